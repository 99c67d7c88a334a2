# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_rex_global_optspecs
    string join \n db= o/output= json color= q/quiet fields= h/help V/version
end

function __fish_rex_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_rex_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_rex_using_subcommand
    set -l cmd (__fish_rex_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c rex -n "__fish_rex_needs_command" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_needs_command" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_needs_command" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_needs_command" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_needs_command" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_needs_command" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_needs_command" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_needs_command" -f -a "deal" -d 'Work with deals: create, list, show, update, move, close, ...'
complete -c rex -n "__fish_rex_needs_command" -f -a "activity" -d 'Next steps on deals: add, list, done, update, delete activities'
complete -c rex -n "__fish_rex_needs_command" -f -a "pipeline" -d 'Work with pipelines and their stages'
complete -c rex -n "__fish_rex_needs_command" -f -a "board" -d 'A pipeline as a board: its stages side by side, with their deals'
complete -c rex -n "__fish_rex_needs_command" -f -a "today" -d 'The morning: the activities due and the deals that need attention'
complete -c rex -n "__fish_rex_needs_command" -f -a "forecast" -d 'What will close when, weighted by chance, and what was won'
complete -c rex -n "__fish_rex_needs_command" -f -a "report" -d 'Reports from history: win rates, the stage funnel, lost reasons'
complete -c rex -n "__fish_rex_needs_command" -f -a "export" -d 'Write pipelines, deals and history as JSON Lines, JSON or CSV'
complete -c rex -n "__fish_rex_needs_command" -f -a "import" -d 'Read pipelines, deals and history from a file: all of it, or none'
complete -c rex -n "__fish_rex_needs_command" -f -a "backup" -d 'Copy the database to a file while rex keeps working'
complete -c rex -n "__fish_rex_needs_command" -f -a "serve" -d 'Serve the REST API over HTTP (who may call it: rex token)'
complete -c rex -n "__fish_rex_needs_command" -f -a "token" -d 'API tokens for rex serve: create, list, revoke'
complete -c rex -n "__fish_rex_needs_command" -f -a "team" -d 'Team roles on PostgreSQL: init, add, list, set-role, remove'
complete -c rex -n "__fish_rex_needs_command" -f -a "audit" -d 'A team database\'s audit trail: deletions, owner and team changes'
complete -c rex -n "__fish_rex_needs_command" -f -a "info" -d 'Show rex\'s version, the database path, schema version, row counts'
complete -c rex -n "__fish_rex_needs_command" -f -a "completions" -d 'Print a completion script: bash, zsh, fish, elvish or powershell'
complete -c rex -n "__fish_rex_needs_command" -f -a "help" -d 'Print help for a command or a topic (options, dates, ...)'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "create" -d 'Create a deal'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "list" -d 'List deals; filters combine'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "show" -d 'Show one deal in full'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "update" -d 'Change a deal\'s fields; changing nothing records nothing'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "move" -d 'Move a deal to another stage of its pipeline'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "close" -d 'Close a deal as won or lost'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "reopen" -d 'Reopen a won or lost deal'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "note" -d 'Record an activity note on a deal'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "history" -d 'Every event of a deal, oldest first, with who recorded it (By)'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "delete" -d 'Delete deals and their history (all or none)'
complete -c rex -n "__fish_rex_using_subcommand deal; and not __fish_seen_subcommand_from create list show update move close reopen note history delete stalled" -f -a "stalled" -d 'Open deals idle past their stall period; --mark flags them as stalled'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l value -d 'Value in dollars: 5000, 5000.50, $5,000.50' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l pipeline -d 'Pipeline id or name (may be left out when only one exists)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l stage -d 'Stage id or name [default: the pipeline\'s first stage]' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l contact -d 'The primary contact (any text: an email, a name, another system\'s id)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l owner -d 'The assigned team member [default: $REX_OWNER]' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l expected-close -d 'Expected close date: YYYY-MM-DD, today, tomorrow, +Nd, +Nw, +Nm, eom, eoq, eoy' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l probability -d 'Its own chance of winning in percent, 0 to 100 [default: its stage\'s]' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l meta -d 'Metadata: KEY=VALUE stores a string, KEY:=JSON a JSON value (repeatable)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l status -d 'Only deals with this status (repeatable, or a comma list: open,won; active is open and stalled)' -r -f -a "open\t''
won\t''
lost\t''
stalled\t''
active\t'Open or stalled: still being worked'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l pipeline -d 'Only this pipeline (id or name)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l stage -d 'Only this stage (id or name; a name needs --pipeline when several pipelines have it)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l owner -d 'Only this owner\'s deals (ignoring case)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l contact -d 'Only this contact\'s deals (ignoring case)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l min-value -d 'Value at least this much (dollars)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l max-value -d 'Value at most this much (dollars)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l closing-before -d 'Expected to close before this date' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l closing-after -d 'Expected to close after this date' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l meta -d 'Only deals whose metadata KEY equals VALUE (repeatable)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l search -d 'Name or contact contains this text (ignoring case; % and _ are literal; indexed from 3 characters)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l updated-since -d 'Only deals updated at or after this time: RFC 3339 (2026-03-01T09:00:00Z), or a date for the start of that day' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l sort -d 'Sort order (next-activity: the soonest next step first, deals without one last)' -r -f -a "value\t''
expected-close\t''
created\t''
updated\t''
name\t''
stage\t''
next-activity\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l limit -d 'At most N deals' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l overdue -d 'Open or stalled, with an expected close date before today'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l no-next-step -d 'Only active (open or stalled) deals without a pending activity: no next step'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l desc -d 'Sort descending (by next-activity: the latest next step first, deals without one still last)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -s e -l exit-status -d 'Exit 0 when at least one deal was listed, 1 when none'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from show" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from show" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from show" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from show" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l name -d 'New name' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l value -d 'New value in dollars' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l contact -d 'New contact' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l owner -d 'New owner' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l expected-close -d 'New expected close date, or none to clear it' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l probability -d 'Its own chance of winning in percent, or default to follow its stage\'s' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l meta -d 'Metadata: KEY=VALUE stores a string, KEY:=JSON a JSON value (repeatable)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l unset-meta -d 'Remove a metadata key (repeatable)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l pipeline -d 'Move to another pipeline (lands in its first stage unless --stage is given)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l stage -d 'The stage in the new pipeline' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from move" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from move" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from move" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from move" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from move" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from move" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from move" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from move" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -l reason -d 'Why it closed' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -l won -d 'Closed-won: revenue realised'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -l lost -d 'Closed-lost: opportunity dead'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from close" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from reopen" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from reopen" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from reopen" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from reopen" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from reopen" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from reopen" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from reopen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from reopen" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from note" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from note" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from note" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from note" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from note" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from note" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from note" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from note" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from history" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from history" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from history" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from history" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from history" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from delete" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from delete" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from delete" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (required without a terminal)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from delete" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -l pipeline -d 'Only this pipeline (id or name)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -l owner -d 'Only this owner\'s deals (ignoring case)' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -l mark -d 'Also set those deals to stalled, and print only the newly marked ones'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -s e -l exit-status -d 'Exit 0 when at least one deal was listed (or marked), 1 when none'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand deal; and __fish_seen_subcommand_from stalled" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -f -a "add" -d 'Schedule an activity on a deal (a call, a meeting, a task ...)'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -f -a "list" -d 'List activities, soonest first; by default my pending ones'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -f -a "show" -d 'Show one activity in full'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -f -a "update" -d 'Change an activity: reschedule it, retype it, reword it, hand it over'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -f -a "delete" -d 'Delete an activity (asks first on a terminal)'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -f -a "done" -d 'Mark activities done (a stalled deal is open again)'
complete -c rex -n "__fish_rex_using_subcommand activity; and not __fish_seen_subcommand_from add list show update delete done undo" -f -a "undo" -d 'Mark done activities as not done'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -l type -d 'call, meeting, email, task, deadline or lunch [add\'s default: task]' -r -f -a "call\t''
meeting\t''
email\t''
task\t''
deadline\t''
lunch\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -l due -d 'The day it is due: YYYY-MM-DD, today, tomorrow, yesterday, +Nd, +Nw, +Nm, eom, eoq, eoy [add\'s default: today]' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -l owner -d 'Its owner [add\'s default: the deal\'s owner, else $REX_OWNER]' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -l note -d 'A note (it may span lines)' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -l at -d 'The time of day, HH:MM on a 24-hour clock [default: none, all-day]' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -l duration -d 'How long it takes: 30m, 1h, 1h30m or minutes' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l owner -d 'Only this owner\'s activities (ignoring case)' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l deal -d 'Only this deal\'s activities, whoever owns them' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l type -d 'Only activities of this type' -r -f -a "call\t''
meeting\t''
email\t''
task\t''
deadline\t''
lunch\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l due -d 'Only those due on this day, or from FROM to TO (both included)' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l all -d 'Everyone\'s activities, and those of no owner, also when REX_OWNER is set'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l overdue -d 'Only those due before today, or today at a time already past'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l done -d 'Done activities instead of pending ones'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l pending -d 'Pending activities (the default)'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from show" -l deal -d 'The deal ACTIVITY belongs to: then its subject names it, and another deal\'s id or reference is refused' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from show" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from show" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from show" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from show" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l deal -d 'The deal ACTIVITY belongs to: then its subject names it, and another deal\'s id or reference is refused' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l subject -d 'New subject' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l type -d 'call, meeting, email, task, deadline or lunch [add\'s default: task]' -r -f -a "call\t''
meeting\t''
email\t''
task\t''
deadline\t''
lunch\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l due -d 'The day it is due: YYYY-MM-DD, today, tomorrow, yesterday, +Nd, +Nw, +Nm, eom, eoq, eoy [add\'s default: today]' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l owner -d 'Its owner [add\'s default: the deal\'s owner, else $REX_OWNER]' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l note -d 'A note (it may span lines)' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l at -d 'New time of day (HH:MM), or none to make it all-day' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l duration -d 'New duration (30m, 1h, 1h30m, minutes), or none to remove it' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l no-note -d 'Remove the note'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from delete" -l deal -d 'The deal ACTIVITY belongs to: then its subject names it, and another deal\'s id or reference is refused' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from delete" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from delete" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from delete" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (required without a terminal)'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from delete" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from done" -l deal -d 'The deal the activities belong to: then subjects name them (of several sharing one, the pending one for done, the done one for undo), and another deal\'s ids or references are refused' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from done" -l note -d 'Add this to each activity\'s note' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from done" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from done" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from done" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from done" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from done" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from done" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from done" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from done" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from undo" -l deal -d 'The deal the activities belong to: then subjects name them (of several sharing one, the pending one for done, the done one for undo), and another deal\'s ids or references are refused' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from undo" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from undo" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from undo" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from undo" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from undo" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from undo" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from undo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand activity; and __fish_seen_subcommand_from undo" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -f -a "create" -d 'Create a pipeline (default stages Discovery, Qualification ... Closed)'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -f -a "list" -d 'List pipelines with their stage count and open deals'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -f -a "show" -d 'Show a pipeline\'s stages in order, with their open and stalled deals'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -f -a "update" -d 'Rename a pipeline, change its stall period, or edit its stages'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and not __fish_seen_subcommand_from create list show update delete" -f -a "delete" -d 'Delete a pipeline that holds no deals'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -l stage -d 'A stage, in order: NAME or NAME:#RRGGBB (repeat for each stage)' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -l stall-days -d 'Days without activity after which an open deal is stalled' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -l stage-probability -d 'A stage\'s chance of winning in percent, 0 to 100 (repeatable) [default: the default stages\' own (Discovery 10 ... Closed 90), 100 for stages named here]' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from list" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from list" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from list" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from list" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from show" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from show" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from show" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from show" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l name -d 'New name for the pipeline' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l stall-days -d 'Days without activity after which an open deal is stalled' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l add-stage -d 'Add a stage (at the end unless --at is given)' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l at -d 'Position for the added stage (0 is first)' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l rename-stage -d 'Rename a stage' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l recolor-stage -d 'Change a stage\'s colour' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l move-stage -d 'Move a stage to another position (0 is first)' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l remove-stage -d 'Remove a stage (refused while it holds deals, unless --move-deals-to is given)' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l move-deals-to -d 'Where the deals of removed stages go' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l stage-stall-days -d 'A stage\'s own stall period: STAGE=N days, STAGE=none (never stalls) or STAGE=default' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l stage-probability -d 'A stage\'s chance of winning in percent, 0 to 100 (repeatable)' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from delete" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from delete" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from delete" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (required without a terminal)'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from delete" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand pipeline; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand board" -l pipeline -d 'The pipeline, named as other commands name it (the same as PIPELINE)' -r
complete -c rex -n "__fish_rex_using_subcommand board" -l owner -d 'Only this owner\'s deals (ignoring case)' -r
complete -c rex -n "__fish_rex_using_subcommand board" -l limit -d 'At most N deals per stage [default: what fits the screen]' -r
complete -c rex -n "__fish_rex_using_subcommand board" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand board" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand board" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand board" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand board" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand board" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand board" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand board" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand today" -l owner -d 'Only this owner\'s activities and deals (ignoring case)' -r
complete -c rex -n "__fish_rex_using_subcommand today" -l section -d 'Only these sections, in full' -r -f -a "activities_overdue\t'My pending activities due before today'
activities_today\t'My pending activities due today'
overdue\t'Active deals expected to close before today'
closing_soon\t'Active deals expected to close within 7 days'
stalled\t'Deals with status stalled'
going_stale\t'Open deals that stall within 3 days'
no_next_step\t'Active deals without a pending activity'"
complete -c rex -n "__fish_rex_using_subcommand today" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand today" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand today" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand today" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand today" -l all -d 'Everyone\'s activities and deals, also when REX_OWNER is set'
complete -c rex -n "__fish_rex_using_subcommand today" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand today" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand today" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand today" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand forecast" -l pipeline -d 'Only this pipeline (id or name)' -r
complete -c rex -n "__fish_rex_using_subcommand forecast" -l owner -d 'Only this owner\'s deals (ignoring case)' -r
complete -c rex -n "__fish_rex_using_subcommand forecast" -l by -d 'The length of a period' -r -f -a "month\t''
quarter\t''"
complete -c rex -n "__fish_rex_using_subcommand forecast" -l periods -d 'How many periods, from the current one' -r
complete -c rex -n "__fish_rex_using_subcommand forecast" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand forecast" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand forecast" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand forecast" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand forecast" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand forecast" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand forecast" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand forecast" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -f -a "wins" -d 'Won and lost deals: win rates, average size, cycle and velocity'
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -f -a "stages" -d 'The stage funnel: entered, advanced, conversion, days in stage'
complete -c rex -n "__fish_rex_using_subcommand report; and not __fish_seen_subcommand_from wins stages lost-reasons" -f -a "lost-reasons" -d 'Lost deals grouped by their close reason'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -l pipeline -d 'Only this pipeline (id or name)' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -l owner -d 'Only this owner\'s deals (ignoring case)' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -l since -d 'Closed on or after this date [default: 365 days before today]' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -l until -d 'Closed on or before this date [default: today]' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -l by -d 'One row per owner, pipeline, month or quarter' -r -f -a "owner\t''
pipeline\t''
month\t''
quarter\t''"
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -s e -l exit-status -d 'Exit 0 when at least one row was printed, 1 when none'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from wins" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -l pipeline -d 'The pipeline, named as other commands name it (the same as PIPELINE)' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -l since -d 'Only deals that entered a stage on or after this date [default: ever]' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -s e -l exit-status -d 'Exit 0 when at least one row was printed, 1 when none'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from stages" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -l pipeline -d 'Only this pipeline (id or name)' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -l owner -d 'Only this owner\'s deals (ignoring case)' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -l since -d 'Closed on or after this date [default: 365 days before today]' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -l until -d 'Closed on or before this date [default: today]' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -s e -l exit-status -d 'Exit 0 when at least one row was printed, 1 when none'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand report; and __fish_seen_subcommand_from lost-reasons" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand export" -l file -d 'Write to this file (replaced only once the export is complete) instead of stdout' -r -F
complete -c rex -n "__fish_rex_using_subcommand export" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand export" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand export" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand export" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand export" -l deals -d 'Deals only (no activities or history)'
complete -c rex -n "__fish_rex_using_subcommand export" -l pipelines -d 'Pipelines (with their stages) only'
complete -c rex -n "__fish_rex_using_subcommand export" -l all -d 'Pipelines, deals, activities and history (the default)'
complete -c rex -n "__fish_rex_using_subcommand export" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand export" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand export" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand import" -l format -d 'The format [default: from the file\'s extension, else jsonl]' -r -f -a "jsonl\t''
json\t''
csv\t''"
complete -c rex -n "__fish_rex_using_subcommand import" -l from -d 'Read another CRM\'s deal export (CSV) as it comes out of it' -r -f -a "pipedrive\t''
hubspot\t''
salesforce\t''
salesforce-loader\t''
twenty\t''"
complete -c rex -n "__fish_rex_using_subcommand import" -l rate -d 'Dollars per unit of another currency: CUR=RATE, like EUR=1.0825 (repeatable)' -r
complete -c rex -n "__fish_rex_using_subcommand import" -l map -d 'A CSV column as a rex field: FIELD=COLUMN, or -=COLUMN to drop it (repeatable)' -r
complete -c rex -n "__fish_rex_using_subcommand import" -l date-order -d 'The order of numeric dates: mdy (6/30/2025), dmy (30/06/2025) or ymd' -r -f -a "mdy\t''
dmy\t''
ymd\t''"
complete -c rex -n "__fish_rex_using_subcommand import" -l decimal -d 'How the file writes decimals: point (1,234.56) or comma (1.234,56 or 1 234,56)' -r -f -a "point\t''
comma\t''"
complete -c rex -n "__fish_rex_using_subcommand import" -l won-stage -d 'A value of the stage column that means won: the deal is won, in its pipeline\'s last stage (repeatable; ignoring case)' -r
complete -c rex -n "__fish_rex_using_subcommand import" -l lost-stage -d 'A value of the stage column that means lost, likewise (repeatable)' -r
complete -c rex -n "__fish_rex_using_subcommand import" -l pipeline -d 'The pipeline of rows that name none [default: the only one]' -r
complete -c rex -n "__fish_rex_using_subcommand import" -l encoding -d 'The file\'s text encoding: windows-1252, latin1, utf-16le, … [default: UTF-8, or what a byte order mark says]' -r
complete -c rex -n "__fish_rex_using_subcommand import" -l delimiter -d 'What separates a CSV\'s columns: , ; tab or | [default: from the header line]' -r
complete -c rex -n "__fish_rex_using_subcommand import" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand import" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand import" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand import" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand import" -l dry-run -d 'Check everything and report the counts, writing nothing'
complete -c rex -n "__fish_rex_using_subcommand import" -l upsert -d 'Replace records whose id already exists (or, with --from or --map, deals imported before: by the file\'s id, else by its identifying columns, said on stderr)'
complete -c rex -n "__fish_rex_using_subcommand import" -l create-stages -d 'Create the pipelines and stages the file names that do not exist yet, in the CRM\'s order (a closed deal goes to the last); with --from or --map, --dry-run lists them'
complete -c rex -n "__fish_rex_using_subcommand import" -l keep-unknown -d 'Keep columns rex does not know in metadata instead of refusing them'
complete -c rex -n "__fish_rex_using_subcommand import" -l round -d 'Round dollars with more than cents (9225.225) to the cent, halves up (away from zero), saying how many, instead of refusing them (amounts converted at a --rate are always rounded so; their original stays in metadata)'
complete -c rex -n "__fish_rex_using_subcommand import" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand import" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand import" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand backup" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand backup" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand backup" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand backup" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand backup" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand backup" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand backup" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand serve" -l listen -d 'The address and port to listen on (port 0 picks a free one)' -r
complete -c rex -n "__fish_rex_using_subcommand serve" -l tls-cert -d 'TLS certificate chain (PEM); with --tls-key, serves https' -r -F
complete -c rex -n "__fish_rex_using_subcommand serve" -l tls-key -d 'TLS private key (PEM)' -r -F
complete -c rex -n "__fish_rex_using_subcommand serve" -l cors -d 'Answer CORS requests from this origin only (like https://app.example.com)' -r
complete -c rex -n "__fish_rex_using_subcommand serve" -l max-body -d 'The largest request body accepted, in bytes (larger: 413)' -r
complete -c rex -n "__fish_rex_using_subcommand serve" -l read-timeout -d 'Seconds a client has to send a request\'s headers, and then its body (slower: 408)' -r
complete -c rex -n "__fish_rex_using_subcommand serve" -l request-timeout -d 'Seconds the server may take to answer a request (longer: 503)' -r
complete -c rex -n "__fish_rex_using_subcommand serve" -l max-concurrent -d 'Requests at the database at once (on a SQLite file at most two per core); more wait their turn' -r
complete -c rex -n "__fish_rex_using_subcommand serve" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand serve" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand serve" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand serve" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand serve" -l insecure-http -d 'Serve plain http on a non-loopback address (a reverse proxy terminates TLS)'
complete -c rex -n "__fish_rex_using_subcommand serve" -l open -d 'Serve without tokens, everyone an admin (loopback addresses only)'
complete -c rex -n "__fish_rex_using_subcommand serve" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand serve" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand serve" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -f -a "create" -d 'Create a token and print its secret (once)'
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -f -a "list" -d 'List tokens: name, role, owner, created, last used, expires (never the secret)'
complete -c rex -n "__fish_rex_using_subcommand token; and not __fish_seen_subcommand_from create list revoke" -f -a "revoke" -d 'Revoke a token: every server refuses it from its next request on'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -l role -d 'What the token may do' -r -f -a "reader\t''
member\t''
admin\t''"
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -l owner -d 'The owner whose deals a member token works on (required for member)' -r
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -l expires -d 'How long the token lives: 30m, 12h, 90d, 2w (from REX_NOW when set) [default: until revoked]' -r
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from list" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from list" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from list" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from list" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from revoke" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from revoke" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from revoke" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from revoke" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from revoke" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand token; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -f -a "init" -d 'Set the database up for team roles (once; running it again is harmless)'
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -f -a "add" -d 'Add a login to the team as reader, member or admin'
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -f -a "list" -d 'List the team: login, role, owner id, whether rex created the login'
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -f -a "set-role" -d 'Give a member another role'
complete -c rex -n "__fish_rex_using_subcommand team; and not __fish_seen_subcommand_from init add list set-role remove" -f -a "remove" -d 'Take a login off the team (its history stays)'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from init" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from init" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from init" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from init" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from init" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -l role -d 'What it may do' -r -f -a "reader\t''
member\t''
admin\t''"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -l owner -d 'The owner id its deals carry [default: LOGIN]' -r
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -l password-file -d 'Read a new login\'s password from FILE (its trailing newline ignored)' -r -F
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from list" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from list" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from list" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from list" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from set-role" -l role -d 'Its new role' -r -f -a "reader\t''
member\t''
admin\t''"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from set-role" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from set-role" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from set-role" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from set-role" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from set-role" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from set-role" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from set-role" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from set-role" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from remove" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from remove" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from remove" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from remove" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand team; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand audit" -l since -d 'Entries from the start of this date on (local time)' -r
complete -c rex -n "__fish_rex_using_subcommand audit" -l actor -d 'Entries of this login only' -r
complete -c rex -n "__fish_rex_using_subcommand audit" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand audit" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand audit" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand audit" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand audit" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand audit" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand audit" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand info" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand info" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand info" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand info" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand info" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand info" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand info" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand completions" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand completions" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand completions" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand completions" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand completions" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand completions" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand completions" -s V -l version -d 'Print version'
complete -c rex -n "__fish_rex_using_subcommand help" -l db -d 'Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the per-user data directory]' -r -F
complete -c rex -n "__fish_rex_using_subcommand help" -s o -l output -d 'Output format [default: table on a terminal, tsv otherwise]' -r -f -a "table\t'A table for people (money in dollars, names for ids), as wide as the terminal'
wide\t'A table with every column at full width (for wide terminals and less -S)'
tsv\t'Tab-separated values, no header, one record per line'
json\t'A JSON array (list) or object (show, create)'
jsonl\t'One JSON object per line'
csv\t'Comma-separated values with a header row'
id\t'Only the ids, one per line'
ics\t'An iCalendar file (RFC 5545) for calendar applications: activity list only'"
complete -c rex -n "__fish_rex_using_subcommand help" -l color -d 'When to use colour in tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c rex -n "__fish_rex_using_subcommand help" -l fields -d 'Only these fields, in this order (JSON names, comma-separated); also picks table columns. A deal also has value_dollars ("48000.00"), printed only when named here' -r
complete -c rex -n "__fish_rex_using_subcommand help" -l json -d 'Same as -o json'
complete -c rex -n "__fish_rex_using_subcommand help" -s q -l quiet -d 'Print nothing but data (no notes or hints on stderr)'
complete -c rex -n "__fish_rex_using_subcommand help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rex -n "__fish_rex_using_subcommand help" -s V -l version -d 'Print version'
