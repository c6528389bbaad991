/** One instruction of a Dockerfile: `COPY --from=deps /app/node_modules ./node_modules` → COPY, its arguments. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** One build stage: `FROM image AS name` and the instructions up to the next FROM. */
export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/**
 * The stages of a Dockerfile, in order. Comments and blank lines are dropped and lines continued
 * with a trailing backslash joined, which is all the parsing this repository's Dockerfile needs
 * (no parser directives, heredocs or escape character changes).
 */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${trimmed}`.trim());
    pending = '';
  }
  if (pending) logical.push(pending.trim());

  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`cannot read FROM ${args}`);
      stages.push({ image: from[1]!, name: from[2], instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${instruction.keyword} before any FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

/** The arguments of every `keyword` instruction of `stage`. */
export function argsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The stages `COPY --from=` in `stage` takes `source` from (`/app/node_modules`), by name. */
export function copiedFrom(stage: Stage, source: string): string[] {
  return argsOf(stage, 'COPY').flatMap((args) => {
    const from = /--from=(\S+)/.exec(args);
    const paths = args.split(/\s+/).filter((word) => !word.startsWith('--'));
    return from && paths.slice(0, -1).includes(source) ? [from[1]!] : [];
  });
}
