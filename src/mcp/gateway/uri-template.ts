/** A regular expression matching the URIs an RFC 6570 template (level 1-2 expressions) can produce. */
export function uriTemplatePattern(template: string): RegExp {
  let pattern = '';
  let last = 0;
  for (const match of template.matchAll(/\{([+#]?)[^}]*\}/g)) {
    pattern += escape(template.slice(last, match.index));
    pattern += match[1] ? '.*' : '[^/?#]*';
    last = match.index! + match[0].length;
  }
  pattern += escape(template.slice(last));
  return new RegExp(`^${pattern}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
