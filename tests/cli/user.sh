#!/bin/sh
# Black-box tests of users, departments and the audit of command-line
# changes: init with its first administrator, user add / list / passwd /
# disable / token / token-revoke, department add / list, the demo accounts.
. "$(dirname "$0")/lib.sh"

# --- init: no password, nothing written -------------------------------------
run_capture sj init </dev/null
expect_status 2 "init without a password is refused"
expect_in "$T/err" "^sijin: password: no password given" "and says how to give one"
check "init without a password wrote no database" eval '! db_exists'
check "init without a password wrote no key file" test ! -e "$KEY"
echo "short" >"$T/short"
run_capture sj init --admin-password-file "$T/short"
expect_status 2 "init refuses a short password"
expect_in "$T/err" "password: must be at least 10 characters, got 5" "with the policy's reason"
check "nor did a short password" eval '! db_exists'

# --- init with --admin-password-file ----------------------------------------
printf 'root password 2020\n' >"$T/pw"
run_capture sj init --admin root --admin-password-file "$T/pw"
expect_status 0 "init creates database and administrator"
expect_in "$T/out" "with administrator root" "init names the administrator"
check "the administrator is an admin" test "$(q "SELECT role FROM app_user WHERE username='root'")" = admin
check "its password is an Argon2id hash, not the password" \
	test "$(q "SELECT count(*) FROM app_user WHERE password_hash LIKE '\$argon2id\$v=19\$m=65536,t=2,p=1\$%'")" = 1
check "the password is nowhere in the database" \
	test "$(q "SELECT count(*) FROM app_user WHERE password_hash LIKE '%root password%'")" = 0
check "init wrote its audit event as cli" \
	test "$(q "SELECT username || ' ' || action || ' ' || object_id FROM audit_event")" = "cli user.create 1"

# --- user add: password on stdin --------------------------------------------
run_capture sj department add 泰安市文化和旅游局
expect_status 0 "department add"
run_capture sj department add 粥店街道办事处 --kind town
expect_status 0 "department add --kind town"
run_capture sj department add 某局 --kind ministry
expect_status 2 "unknown department kind refused"
run_capture sj department list
expect_in "$T/out" "town        粥店街道办事处" "department list shows kinds"
printf 'culture pass 2020\n' >"$T/in"; run_capture sj user add Culture --role department --department 泰安市文化和旅游局 --name 联络员 <"$T/in"
expect_status 0 "user add reads the password from stdin"
check "user add printed the new id" test "$(cat "$T/out")" = 2
check "the department link is stored" \
	test "$(q "SELECT d.name FROM app_user u JOIN department d ON d.id = u.department_id WHERE u.username_key = 'culture'")" = 泰安市文化和旅游局
before=$(count_rows app_user)
printf 'another pass 2020\n' >"$T/in"; run_capture sj user add culture --role auditor <"$T/in"
expect_status 4 "usernames are unique whatever the case"

# --- refused input: field named, nothing written ----------------------------
printf 'some password 2020\n' >"$T/in"; run_capture sj user add eve --role boss <"$T/in"
expect_status 2 "bad role refused"
expect_in "$T/err" "^sijin: role: 'boss' is not a role; use one of admin, leader, member, checkpoint, unit, department, auditor$" "bad role names the field and the choices"
printf 'some password 2020\n' >"$T/in"; run_capture sj user add eve --role leader <"$T/in"
expect_status 2 "leader without a group refused"
expect_in "$T/err" "^sijin: group_id: a leader or member needs a work group$" "missing group names the field"
printf 'some password 2020\n' >"$T/in"; run_capture sj user add eve --role leader --group 9 <"$T/in"
expect_status 3 "leader with an unknown group: not found"
printf 'eve\n' >"$T/in"; run_capture sj user add eve --role auditor <"$T/in"
expect_status 2 "a too-short password is refused"
printf 'eve-auditor\n' >"$T/in"; run_capture sj user add eve-auditor --role auditor <"$T/in"
expect_status 2 "the username as password is refused"
expect_in "$T/err" "password: must not be the username" "and says so"
run_capture sj user add eve --role auditor </dev/null
expect_status 2 "no password on an empty stdin"
run_capture sj user add eve --role auditor --password "secret-pw-2020"
expect_status 2 "a password is never taken as an argument"
check "nor echoed in the error" sh -c "! grep -q secret-pw '$T/err'"
run_capture sj init --admin-password=secret-pw-2020
expect_status 2 "init refuses --admin-password=..."
check "refused adds wrote no user" test "$(count_rows app_user)" = "$before"
check "refused adds wrote no audit event" \
	test "$(q "SELECT count(*) FROM audit_event WHERE action = 'user.create'")" = 2

# --- list, passwd, disable --------------------------------------------------
run_capture sj user list
expect_in "$T/out" "Culture *department *active *泰安市文化和旅游局" "user list shows role, status and link"
run_capture sj user list --json
expect_in "$T/out" '"role": "department"' "user list --json"
check "user list --json carries no password hash" sh -c "! grep -q argon2 '$T/out'"
printf 'changed pass 2020\n' >"$T/pw2"
run_capture sj user passwd culture --password-file "$T/pw2"
expect_status 0 "user passwd"
run_capture sj user disable root
expect_status 4 "the last administrator cannot be disabled"
run_capture sj user disable culture
expect_status 0 "user disable"
check "disabled is stored" test "$(q "SELECT disabled FROM app_user WHERE username = 'Culture'")" = 1
run_capture sj user disable nobody
expect_status 3 "disable of an unknown user: not found"

# --- API tokens: printed once, stored hashed --------------------------------
printf 'gate pass 2020!\n' >"$T/in"; run_capture sj user add gate --role checkpoint <"$T/in"
expect_status 0 "checkpoint user added"
run_capture sj user token gate --name scanner --days 30
expect_status 0 "user token"
token=$(cat "$T/out")
check "the token is one line of 43 URL-safe characters" \
	sh -c "printf '%s' '$token' | grep -Eqx '[A-Za-z0-9_-]{43}'"
expect_in "$T/err" "shown only this once" "user token warns it is shown once"
check "only the first 8 characters are stored in clear" \
	test "$(q "SELECT prefix FROM api_token")" = "$(printf '%s' "$token" | cut -c1-8)"
check "the token is not in the database" db_lacks "$token"
check "the token expires in 30 days" \
	test "$(q "SELECT count(*) FROM api_token WHERE expires_at - created_at BETWEEN 2591990 AND 2592010")" = 1
run_capture sj user list
check "no command prints the token again" sh -c "! grep -qF '$token' '$T/out'"
run_capture sj user token-revoke 1
expect_status 0 "user token-revoke"
check "revoked_at is set" test "$(q "SELECT count(*) FROM api_token WHERE revoked_at IS NOT NULL AND id = 1")" = 1
run_capture sj user token-revoke 99
expect_status 3 "revoking an unknown token: not found"
check "every change was audited as cli" \
	test "$(q_join "SELECT action FROM audit_event WHERE username = 'cli' ORDER BY id")" = \
	"user.create department.create department.create user.create user.password_set user.disable user.create token.create token.revoke"
check "audit events cannot be deleted" eval '! q "DELETE FROM audit_event" 2>/dev/null'
run_capture sj user --help
expect_status 0 "user --help"

# --- the demo accounts ------------------------------------------------------
demo=$(new_db demo)
run_capture sj --db "$demo" demo
expect_status 0 "demo loads"
check "the demo has six accounts" test "$(q_db "$demo" "SELECT username || ':' || role FROM app_user ORDER BY id" | tr '\n' ' ' | sed 's/ $//')" = \
	"admin:admin leader:leader auditor:auditor culture:department gaotie:unit gate:checkpoint"
check "gate attends 大门疫情监测点" test "$(q_db "$demo" "SELECT c.name FROM checkpoint_attendant a JOIN checkpoint c ON c.id = a.checkpoint_id JOIN app_user u ON u.id = a.user_id WHERE u.username = 'gate'")" = 大门疫情监测点
check "gaotie is the liaison of 高铁社区" test "$(q_db "$demo" "SELECT n.name FROM app_user u JOIN unit n ON n.id = u.unit_id WHERE u.username = 'gaotie'")" = 高铁社区
check "the town government is a department" test "$(q_db "$demo" "SELECT kind FROM department WHERE name = '粥店街道办事处'")" = town
