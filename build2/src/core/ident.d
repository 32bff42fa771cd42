build2/src/core/ident.o: src/core/ident.c src/core/ident.h src/core/err.h
src/core/ident.h:
src/core/err.h:
