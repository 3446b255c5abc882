module signet.dev/test/gocompat-diff

go 1.23

require github.com/spf13/pflag v1.0.10
