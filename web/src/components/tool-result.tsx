/** One item of an MCP result: text, an image, audio, or an embedded resource or link. */
interface ContentItem {
  type: string;
  text?: string;
  data?: string;
  mimeType?: string;
  uri?: string;
  resource?: { uri: string; mimeType?: string; text?: string; blob?: string };
}

const pretty = (text: string) => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** A tool's or prompt's content as a person reads it: text (JSON indented), images inline, the rest as JSON. */
export function ContentView({ items }: { items: ContentItem[] }) {
  return (
    <div className="stack">
      {items.map((item, i) => {
        if (item.type === 'text') return <pre key={i} className="result">{pretty(item.text ?? '')}</pre>;
        if (item.type === 'image' && item.data) return <img key={i} className="result-image" alt={`image ${i + 1} (${item.mimeType})`} src={`data:${item.mimeType};base64,${item.data}`} />;
        if (item.type === 'audio' && item.data) return <audio key={i} controls src={`data:${item.mimeType};base64,${item.data}`} />;
        if (item.type === 'resource' && item.resource?.text !== undefined) return <pre key={i} className="result">{item.resource.uri}{'\n\n'}{pretty(item.resource.text)}</pre>;
        if (item.type === 'resource' && item.resource?.blob && item.resource.mimeType?.startsWith('image/')) return <img key={i} className="result-image" alt={item.resource.uri} src={`data:${item.resource.mimeType};base64,${item.resource.blob}`} />;
        return <pre key={i} className="result">{JSON.stringify(item, null, 2)}</pre>;
      })}
    </div>
  );
}
