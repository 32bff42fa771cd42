build2/src/http/api_supply.o: src/http/api_supply.c src/core/datetime.h \
 src/core/err.h src/domain/auth.h src/core/arena.h src/core/crypt.h \
 src/domain/demo.h src/store/store.h src/domain/scope.h \
 src/domain/supply.h src/domain/supply_export.h src/domain/supply_item.h \
 src/domain/supply_ledger.h src/domain/supply_need.h \
 src/domain/supply_site.h src/http/api.h src/http/http.h \
 src/core/config.h src/http/jbody.h src/json/jsupply.h
src/core/datetime.h:
src/core/err.h:
src/domain/auth.h:
src/core/arena.h:
src/core/crypt.h:
src/domain/demo.h:
src/store/store.h:
src/domain/scope.h:
src/domain/supply.h:
src/domain/supply_export.h:
src/domain/supply_item.h:
src/domain/supply_ledger.h:
src/domain/supply_need.h:
src/domain/supply_site.h:
src/http/api.h:
src/http/http.h:
src/core/config.h:
src/http/jbody.h:
src/json/jsupply.h:
