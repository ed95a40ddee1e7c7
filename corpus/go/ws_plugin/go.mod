module wasmlint.corpus/ws_plugin

go 1.27
