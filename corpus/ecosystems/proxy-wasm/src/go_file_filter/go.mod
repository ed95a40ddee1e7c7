module example.com/pwfilter

go 1.24
