# hookflow's everyday jobs. `npm install` brings `just` (the rust-just package), so from a
# fresh clone `npx just --list` shows these recipes and `npx just flows-apply FILE` runs one.
# Arguments reach the commands as separate words, so file names with spaces are safe.

set positional-arguments

hookflow := quote(justfile_directory() / "bin" / "hookflow")

# List the recipes
[private]
default:
    @{{ quote(just_executable()) }} --justfile {{ quote(justfile()) }} --list

# Compile src/ into dist/, which bin/hookflow runs
build:
    npx tsc -p tsconfig.json

# Start the service from a fresh build: `just serve --config webhook-config.yaml`
serve *options: build
    node {{ hookflow }} serve "$@"

# Run the test suite, or the named test files: `just test test/cli`
test *files:
    npm test -- "$@"

# Run the benchmarks against a fresh build; NAME picks those whose file name contains it: `just bench select`
bench *names: build
    node bench/run-all.mjs "$@"

# Create or update flows on the server from files or folders: `just flows-apply --dry-run flows/`
[no-cd]
flows-apply +files:
    @node {{ hookflow }} apply "$@"

# Check flow files offline, as the service would (default: flows.d)
[no-cd]
flows-validate *files="flows.d":
    @node {{ hookflow }} validate "$@"

# Dry-run flow ID on the event in EVENT_FILE: `just flows-dry-run triage event.json --type issues`
[no-cd]
flows-dry-run id event_file *options:
    @id="$1" event_file="$2" && shift 2 && node {{ hookflow }} dry-run "$id" --event "$event_file" "$@"
