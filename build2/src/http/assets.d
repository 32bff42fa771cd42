build2/src/http/assets.o: src/http/assets.c src/http/assets.h
src/http/assets.h:
