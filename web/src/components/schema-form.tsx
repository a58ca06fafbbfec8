import { useId, useState, type ReactNode } from 'react';

/** The part of JSON Schema a form can be built from: what MCP tools and the adapters' hyperparameters use. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

type Value = unknown;

/** The first concrete type a schema allows (["integer", "null"] → integer; anyOf → its first branch's); `json` when it names none. */
function typeOf(schema: JsonSchema): string {
  if (schema.enum) return 'enum';
  const branch = schema.anyOf ?? schema.oneOf;
  if (!schema.type && branch?.length) return typeOf(branch.find((b) => b.type !== 'null') ?? branch[0]);
  const types = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null') : [schema.type];
  return types[0] ?? (schema.properties ? 'object' : 'json');
}

/** The value as sent: list items left empty are dropped (JSON would turn them into null). */
export function cleaned(value: Value): Value {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(cleaned);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleaned(v)]));
  return value;
}

/** A value with every default filled in, for a fresh form. */
export function initialValue(schema: JsonSchema): Value {
  if (schema.default !== undefined) return schema.default;
  const type = typeOf(schema);
  // a required checkbox left unticked means false, not "missing"
  if (type === 'object') return Object.fromEntries(Object.entries(schema.properties ?? {}).flatMap(([name, s]) => (s.default !== undefined ? [[name, s.default]] : schema.required?.includes(name) && typeOf(s) === 'boolean' ? [[name, false]] : [])));
  if (type === 'array') return [];
  return undefined;
}

/**
 * A form for a JSON Schema: text, number and checkbox inputs, selects for enums, lists that grow and
 * shrink for arrays, and fieldsets for nested objects. Fields left empty are left out of the value.
 */
export function SchemaForm({ schema, value, onChange, name = '' }: { schema: JsonSchema; value: Value; onChange: (value: Value) => void; name?: string }) {
  const type = typeOf(schema);
  if (type === 'object') return <ObjectFields schema={schema} value={(value ?? {}) as Record<string, Value>} onChange={onChange} name={name} />;
  return <Field schema={schema} value={value} onChange={onChange} label={name} required={false} />;
}

function ObjectFields({ schema, value, onChange, name }: { schema: JsonSchema; value: Record<string, Value>; onChange: (value: Value) => void; name: string }) {
  const entries = Object.entries(schema.properties ?? {});
  if (!entries.length) return <p className="muted">{name ? `${name}: ` : ''}no arguments</p>;
  const set = (key: string, next: Value) => {
    const copy = { ...value };
    if (next === undefined) delete copy[key];
    else copy[key] = next;
    onChange(copy);
  };
  return (
    <div className="stack">
      {entries.map(([key, property]) => (
        <Field key={key} schema={property} value={value[key]} onChange={(next) => set(key, next)} label={key} required={schema.required?.includes(key) ?? false} />
      ))}
    </div>
  );
}

function Field({ schema, value, onChange, label, required }: { schema: JsonSchema; value: Value; onChange: (value: Value) => void; label: string; required: boolean }) {
  const id = useId();
  const type = typeOf(schema);
  const caption = (
    <span className="caption">
      {schema.title ?? label}
      {required && <span aria-hidden="true"> *</span>}
      {schema.description && <small className="muted"> {schema.description}</small>}
    </span>
  );
  if (type === 'object') {
    return (
      <fieldset>
        <legend>{caption}</legend>
        <ObjectFields schema={schema} value={(value ?? {}) as Record<string, Value>} onChange={onChange} name={label} />
      </fieldset>
    );
  }
  if (type === 'array') {
    const items = (Array.isArray(value) ? value : []) as Value[];
    const itemSchema = schema.items ?? { type: 'string' };
    return (
      <fieldset>
        <legend>{caption}</legend>
        {items.map((item, i) => (
          <div key={i} className="row">
            <SchemaForm schema={itemSchema} value={item} name={`${label}[${i}]`} onChange={(next) => onChange(items.map((old, j) => (j === i ? next : old)))} />
            <button type="button" className="secondary" onClick={() => onChange(items.filter((_, j) => j !== i))} aria-label={`Remove ${label} item ${i + 1}`}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => onChange([...items, initialValue(itemSchema)])}>
          Add {label} item
        </button>
      </fieldset>
    );
  }
  if (type === 'boolean') {
    return (
      <label className="check" htmlFor={id}>
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {caption}
      </label>
    );
  }
  if (type === 'enum') {
    const options = schema.enum ?? [];
    return (
      <label htmlFor={id}>
        {caption}
        <select id={id} value={value === undefined ? '' : String(options.indexOf(value))} required={required} onChange={(e) => onChange(e.target.value === '' ? undefined : options[Number(e.target.value)])}>
          <option value="">–</option>
          {options.map((option, i) => (
            <option key={i} value={i}>
              {String(option)}
            </option>
          ))}
        </select>
      </label>
    );
  }
  if (type === 'number' || type === 'integer') {
    return (
      <label htmlFor={id}>
        {caption}
        <input id={id} type="number" step={type === 'integer' ? 1 : 'any'} min={schema.minimum} max={schema.maximum} required={required} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />
      </label>
    );
  }
  if (type === 'json') return <JsonField id={id} caption={caption} value={value} onChange={onChange} required={required} />;
  return (
    <label htmlFor={id}>
      {caption}
      <input id={id} type="text" required={required} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
    </label>
  );
}

/** A value whose schema names no type: typed as JSON, taken once it parses. */
function JsonField({ id, caption, value, onChange, required }: { id: string; caption: ReactNode; value: Value; onChange: (value: Value) => void; required: boolean }) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value));
  const [problem, setProblem] = useState<string>();
  const change = (next: string) => {
    setText(next);
    if (next.trim() === '') {
      setProblem(undefined);
      return onChange(undefined);
    }
    try {
      onChange(JSON.parse(next));
      setProblem(undefined);
    } catch {
      setProblem('not valid JSON yet');
    }
  };
  return (
    <label htmlFor={id}>
      {caption}
      <textarea id={id} rows={3} required={required} value={text} onChange={(e) => change(e.target.value)} aria-invalid={Boolean(problem)} placeholder="any JSON value" />
      {problem && <small className="error-text">{problem}</small>}
    </label>
  );
}
