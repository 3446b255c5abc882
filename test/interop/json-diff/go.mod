module signet.dev/test/json-diff

go 1.23
