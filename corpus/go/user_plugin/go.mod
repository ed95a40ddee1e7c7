module wasmlint.corpus/user_plugin

go 1.27
