build2/src/domain/report.o: src/domain/report.c src/domain/report.h \
 src/core/arena.h src/core/crypt.h src/core/err.h src/core/datetime.h \
 src/domain/alert.h src/core/ident.h src/domain/scope.h src/store/store.h \
 src/domain/disinfection.h src/domain/inspection.h src/domain/outsider.h \
 src/domain/request.h src/domain/demo.h src/domain/resumption.h \
 src/domain/scan.h src/core/config.h src/domain/screening.h \
 src/domain/stay.h src/domain/supply_ledger.h src/domain/supply_item.h \
 src/domain/visit.h src/domain/auth.h src/domain/person.h \
 src/domain/org.h src/domain/supply_site.h
src/domain/report.h:
src/core/arena.h:
src/core/crypt.h:
src/core/err.h:
src/core/datetime.h:
src/domain/alert.h:
src/core/ident.h:
src/domain/scope.h:
src/store/store.h:
src/domain/disinfection.h:
src/domain/inspection.h:
src/domain/outsider.h:
src/domain/request.h:
src/domain/demo.h:
src/domain/resumption.h:
src/domain/scan.h:
src/core/config.h:
src/domain/screening.h:
src/domain/stay.h:
src/domain/supply_ledger.h:
src/domain/supply_item.h:
src/domain/visit.h:
src/domain/auth.h:
src/domain/person.h:
src/domain/org.h:
src/domain/supply_site.h:
