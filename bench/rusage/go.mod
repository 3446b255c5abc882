module signet.dev/bench/rusage

go 1.23
