/**
 * vars_prompt, answered before the run starts: a value given with -e wins without asking (as in Ansible); on a
 * terminal the question is asked (an empty answer takes the default); without one the default is used, and a
 * prompt with neither is invalid input at its own line, before any host is touched.
 */
import { SourceError } from '../core/errors.js';
import type { Play, VarPrompt, Vars } from '../core/model.js';

/** How the CLI (or an API user) asks: `secret` answers must not be echoed. */
export type PromptFn = (question: string, opts: { secret: boolean }) => Promise<string>;

export async function answerVarsPrompts(plays: Play[], extraVars: Vars, ask: PromptFn | undefined): Promise<Play[]> {
  const out: Play[] = [];
  for (const play of plays) {
    if (!play.varsPrompt) {
      out.push(play);
      continue;
    }
    const answers: Vars = {};
    for (const p of play.varsPrompt) {
      if (p.name in extraVars) continue;
      answers[p.name] = await answer(p, ask);
    }
    out.push({ ...play, vars: { ...play.vars, ...answers } });
  }
  return out;
}

async function answer(p: VarPrompt, ask: PromptFn | undefined): Promise<string> {
  if (!ask) {
    if (p.default !== undefined) return p.default;
    throw SourceError.at(p.pos, `vars_prompt "${p.name}" needs an answer and there is no terminal to ask on`, `pass it with -e ${p.name}=…, or give the prompt a default`);
  }
  const question = `${p.prompt}${p.default !== undefined ? ` [${p.private ? '(default hidden)' : p.default}]` : ''}: `;
  for (;;) {
    const given = await ask(question, { secret: p.private });
    const value = given === '' && p.default !== undefined ? p.default : given;
    if (!p.confirm) return value;
    const again = await ask(`confirm ${question}`, { secret: p.private });
    if ((again === '' && p.default !== undefined ? p.default : again) === value) return value;
    await ask('***** VALUES ENTERED DO NOT MATCH ***** (press enter to try again) ', { secret: false });
  }
}
