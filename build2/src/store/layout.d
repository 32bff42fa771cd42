build2/src/store/layout.o: src/store/layout.c src/store/layout.h
src/store/layout.h:
