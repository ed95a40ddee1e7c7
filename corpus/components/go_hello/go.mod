module example.com/go_hello

go 1.27
