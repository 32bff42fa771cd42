build2/src/domain/demo.o: src/domain/demo.c src/domain/demo.h \
 src/core/crypt.h src/core/err.h src/store/store.h src/core/datetime.h \
 src/domain/auth.h src/core/arena.h src/domain/scope.h \
 src/domain/checkpoint_demo.h src/domain/group.h src/domain/org.h \
 src/domain/person.h src/domain/request.h src/domain/resumption.h \
 src/domain/supply.h src/domain/supply_export.h src/domain/supply_item.h \
 src/domain/supply_ledger.h src/domain/supply_need.h \
 src/domain/supply_site.h src/domain/visit.h src/domain/workplan.h \
 src/domain/meeting.h src/domain/task.h src/domain/calendar.h \
 src/domain/task_line.h
src/domain/demo.h:
src/core/crypt.h:
src/core/err.h:
src/store/store.h:
src/core/datetime.h:
src/domain/auth.h:
src/core/arena.h:
src/domain/scope.h:
src/domain/checkpoint_demo.h:
src/domain/group.h:
src/domain/org.h:
src/domain/person.h:
src/domain/request.h:
src/domain/resumption.h:
src/domain/supply.h:
src/domain/supply_export.h:
src/domain/supply_item.h:
src/domain/supply_ledger.h:
src/domain/supply_need.h:
src/domain/supply_site.h:
src/domain/visit.h:
src/domain/workplan.h:
src/domain/meeting.h:
src/domain/task.h:
src/domain/calendar.h:
src/domain/task_line.h:
