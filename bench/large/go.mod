module wasmlint.bench/large

go 1.27
