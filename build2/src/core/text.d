build2/src/core/text.o: src/core/text.c src/core/text.h src/core/err.h
src/core/text.h:
src/core/err.h:
