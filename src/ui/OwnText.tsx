import { useRef, useState, type DragEvent } from 'react';
import { formatBytes, MAX_TASKS, MAX_TEXT_BYTES, MIN_TEXT_BYTES } from '../core/config/catalogue';
import { useActions, useApp } from './store-context';

/**
 * Your own text as a task: paste it or drop a .txt file. The store validates it (UTF-8, size),
 * keeps it in this browser and adds the task `text:<hash>`; the link carries only that hash.
 */
export function OwnText() {
  const a = useActions();
  const full = useApp((s) => s.tasks.length >= MAX_TASKS);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const size = new TextEncoder().encode(text).length;

  const add = async (bytes: Uint8Array, name?: string, size?: number) => {
    setBusy(true);
    try {
      if (await a.addOwnText(bytes, name, size)) setText('');
    } finally {
      setBusy(false);
    }
  };
  const fromFile = async (f: File | undefined) => {
    if (!f) return;
    // Refused before reading: a huge file never reaches memory.
    if (f.size > MAX_TEXT_BYTES) return add(new Uint8Array(0), f.name, f.size);
    await add(new Uint8Array(await f.arrayBuffer()), f.name);
    if (file.current) file.current.value = '';
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void fromFile(e.dataTransfer.files?.[0]);
  };

  return (
    <details className="own-text">
      <summary>Your own text as a task</summary>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <textarea
          data-testid="add-task-text"
          aria-label="your text"
          placeholder={`Paste a text (UTF-8, ${formatBytes(MIN_TEXT_BYTES)} to ${formatBytes(MAX_TEXT_BYTES)}) or drop a .txt file here`}
          value={text}
          rows={4}
          spellCheck={false}
          onChange={(e) => setText(e.target.value)}
        />
        <div className="add-row">
          <span className="help">
            {size > 0 ? formatBytes(size) : 'language modelling on your text; last 10% held out'}
          </span>
          <label className="btn small ghost" title="A UTF-8 .txt file">
            File…
            <input
              ref={file}
              type="file"
              accept=".txt,text/plain"
              className="visually-hidden"
              data-testid="add-task-text-file"
              onChange={(e) => void fromFile(e.target.files?.[0])}
            />
          </label>
          <button
            type="button"
            className="btn small primary"
            data-testid="add-task-text-button"
            disabled={busy || full || size === 0}
            onClick={() => void add(new TextEncoder().encode(text))}
          >
            + Add text
          </button>
        </div>
        <p className="help">
          The text stays in this browser (IndexedDB). A link to this setup names it by a fingerprint
          that works here only.
        </p>
      </div>
    </details>
  );
}
