import { useEffect, useState, type FormEvent } from 'react';
import {
  ALGORITHM_NAMES,
  MAX_TASKS,
  TASK_FAMILIES,
  UDHR_ALIASES,
  type TaskFamily,
} from '../core/config/catalogue';
import { OwnText } from './OwnText';
import { useActions, useApp } from './store-context';

interface Language {
  code: string;
  name: string;
}

/** The UDHR declarations the app ships (public/udhr/index.json), loaded once on demand. */
let languages: Promise<Language[]> | null = null;
function loadLanguages(): Promise<Language[]> {
  languages ??= fetch(`${import.meta.env.BASE_URL}udhr/index.json`)
    .then((r) => (r.ok ? (r.json() as Promise<Language[]>) : []))
    .then((list) =>
      list.map(({ code, name }) => ({ code, name })).sort((x, y) => x.name.localeCompare(y.name)),
    )
    .catch(() => []);
  return languages;
}

function useLanguages(enabled: boolean): Language[] {
  const [list, setList] = useState<Language[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    void loadLanguages().then((l) => live && setList(l));
    return () => {
      live = false;
    };
  }, [enabled]);
  return list;
}

interface Params {
  lang: string;
  seed: number;
  similarity: number;
  source: string;
  /** blind:<this>: an algorithmic task or an anti one. */
  blindSource: string;
}

function composeSpec(family: TaskFamily, p: Params): string {
  if (family === 'udhr') return `udhr:${p.lang}`;
  if (family === 'markov') return `markov:${p.seed}:${p.similarity}`;
  if (family === 'anti') return `anti:${p.source}`;
  if (family === 'blind') return `blind:${p.blindSource}`;
  return family;
}

/** Pick a task from the catalogue (family + parameters) or type any spec, then add it live. */
export function AddTask() {
  const count = useApp((s) => s.tasks.length);
  const a = useActions();
  const [family, setFamily] = useState<TaskFamily>('udhr');
  const [params, setParams] = useState<Params>({
    lang: 'fr',
    seed: 5,
    similarity: 0.5,
    source: 'copy',
    blindSource: 'copy',
  });
  const [spec, setSpec] = useState('udhr:fr');
  const langs = useLanguages(family === 'udhr');
  const info = TASK_FAMILIES.find((f) => f.family === family);
  const full = count >= MAX_TASKS;
  const nameOf = (code: string) => langs.find((l) => l.code === code)?.name;

  const update = (f: TaskFamily, p: Params) => {
    setFamily(f);
    setParams(p);
    setSpec(composeSpec(f, p));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    a.addTask({ spec: spec.trim() });
  };

  return (
    <form className="add-task" onSubmit={submit}>
      <div className="add-row">
        <select
          aria-label="task family"
          data-testid="add-task-family"
          value={family}
          onChange={(e) => update(e.target.value as TaskFamily, params)}
        >
          {TASK_FAMILIES.map((f) => (
            <option key={f.family} value={f.family}>
              {f.label}
            </option>
          ))}
        </select>
        {family === 'udhr' && (
          <select
            aria-label="language"
            data-testid="add-task-language"
            value={params.lang}
            onChange={(e) => update(family, { ...params, lang: e.target.value })}
          >
            <optgroup label="Common languages">
              {Object.entries(UDHR_ALIASES).map(([alias, code]) => (
                <option key={alias} value={alias}>
                  {nameOf(code) ?? alias} ({alias})
                </option>
              ))}
            </optgroup>
            {langs.length > 0 && (
              <optgroup label={`All ${langs.length} declarations`}>
                {langs.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.name} ({l.code})
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        )}
        {family === 'markov' && (
          <>
            <label className="inline">
              seed
              <input
                type="number"
                min={0}
                step={1}
                value={params.seed}
                onChange={(e) =>
                  update(family, {
                    ...params,
                    seed: Math.max(0, Math.floor(Number(e.target.value) || 0)),
                  })
                }
              />
            </label>
            <label className="inline">
              similarity
              <input
                type="number"
                min={0}
                max={1}
                step={0.05}
                value={params.similarity}
                onChange={(e) =>
                  update(family, {
                    ...params,
                    similarity: Math.min(1, Math.max(0, Number(e.target.value) || 0)),
                  })
                }
              />
            </label>
          </>
        )}
        {family === 'anti' && (
          <select
            aria-label="source task"
            value={params.source}
            onChange={(e) => update(family, { ...params, source: e.target.value })}
          >
            {ALGORITHM_NAMES.map((n) => (
              <option key={n} value={n}>
                anti-{n}
              </option>
            ))}
          </select>
        )}
        {family === 'blind' && (
          <select
            aria-label="task without its token"
            value={params.blindSource}
            onChange={(e) => update(family, { ...params, blindSource: e.target.value })}
          >
            {ALGORITHM_NAMES.flatMap((n) => [n, `anti:${n}`]).map((n) => (
              <option key={n} value={n}>
                blind {n.replace('anti:', 'anti-')}
              </option>
            ))}
          </select>
        )}
      </div>
      <div className="add-row">
        <input
          className="spec-input"
          aria-label="task spec"
          data-testid="add-task-spec"
          value={spec}
          spellCheck={false}
          onChange={(e) => setSpec(e.target.value)}
        />
        <button
          type="submit"
          className="btn small primary"
          data-testid="add-task"
          disabled={full || spec.trim() === ''}
          title={full ? `At most ${MAX_TASKS} tasks` : 'Add this task (live)'}
        >
          + Add task
        </button>
      </div>
      {info && <p className="help">{info.description}</p>}
      <OwnText />
    </form>
  );
}
