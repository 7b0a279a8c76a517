/** `hookflow validate FILE...`: the service's validator, offline. */
import type { Command } from './command.js';
import { EXIT } from './exit-codes.js';
import { checkFlowFile, expandFlowPaths, formatFileProblem, type FileProblem } from './flow-files.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check flow files offline with the service\'s validator',
  help: `Usage: hookflow validate [--json] FILE|FOLDER...

Checks flow files with the same parser and validator as the service, without a server.
A folder stands for every *.json file directly inside it. Each problem is printed as

  file:line:column: CODE message

the form editors and CI annotations read. A summary goes to stderr.

Options:
  --json      print {"files", "problems": [{file, line, column, code, message, path}]} instead
  -h, --help  show this help

Exit codes: 0 every file is valid, 1 a file is invalid or unreadable, 2 wrong usage.`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: Infinity },

  async run({ values, positionals }, io) {
    const { files, emptyFolders } = expandFlowPaths(positionals, io.cwd);
    for (const folder of emptyFolders) io.stderr.line(`hookflow: ${folder} contains no *.json files`);

    const problems: FileProblem[] = [];
    let invalidFiles = 0;
    for (const file of files) {
      const checked = checkFlowFile(file, io.cwd);
      if (checked.ok) continue;
      invalidFiles++;
      problems.push(...checked.problems);
    }

    if (values.json) {
      io.stdout.line(JSON.stringify({ files: files.length, problems }, null, 2));
    } else {
      for (const problem of problems) io.stdout.line(formatFileProblem(problem));
      const summary = `${files.length} file${files.length === 1 ? '' : 's'} checked`;
      if (invalidFiles === 0) io.stderr.line(io.stderr.style.green(`${summary}, all valid`));
      else io.stderr.line(io.stderr.style.red(`${summary}, ${invalidFiles} invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`));
    }
    return invalidFiles === 0 ? EXIT.OK : EXIT.FAILURE;
  },
};
