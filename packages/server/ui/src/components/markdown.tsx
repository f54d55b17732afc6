import { Lexer } from 'marked';
import type { Token, Tokens } from 'marked';
import type { ComponentChildren } from 'preact';

/** Link targets a markdown artifact may point at; anything else (`javascript:`, ...) is dropped. */
export function safeUrl(url: string): string | undefined {
  try {
    const u = new URL(url, location.href);
    return ['http:', 'https:', 'mailto:'].includes(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function inline(tokens: Token[] | undefined): ComponentChildren {
  return (tokens ?? []).map((t, i) => {
    switch (t.type) {
      case 'strong':
        return <strong key={i}>{inline((t as Tokens.Strong).tokens)}</strong>;
      case 'em':
        return <em key={i}>{inline((t as Tokens.Em).tokens)}</em>;
      case 'del':
        return <del key={i}>{inline((t as Tokens.Del).tokens)}</del>;
      case 'codespan':
        return <code key={i}>{(t as Tokens.Codespan).text}</code>;
      case 'br':
        return <br key={i} />;
      case 'link': {
        const link = t as Tokens.Link;
        const target = safeUrl(link.href);
        return target === undefined ? (
          <span key={i}>{inline(link.tokens)}</span>
        ) : (
          <a key={i} href={target} target="_blank" rel="noopener noreferrer">
            {inline(link.tokens)}
          </a>
        );
      }
      case 'text': {
        const text = t as Tokens.Text;
        return text.tokens ? <span key={i}>{inline(text.tokens)}</span> : text.text;
      }
      case 'escape':
        return (t as Tokens.Escape).text;
      default:
        // Raw HTML, images and anything unknown are shown as their source text.
        return t.raw;
    }
  });
}

function block(t: Token, i: number): ComponentChildren {
  switch (t.type) {
    case 'heading': {
      const h = t as Tokens.Heading;
      const Tag = `h${Math.min(6, h.depth + 2)}` as 'h3';
      return <Tag key={i}>{inline(h.tokens)}</Tag>;
    }
    case 'paragraph':
      return <p key={i}>{inline((t as Tokens.Paragraph).tokens)}</p>;
    case 'text':
      return <p key={i}>{inline((t as Tokens.Text).tokens ?? [t])}</p>;
    case 'code':
      return (
        <pre key={i}>
          <code>{(t as Tokens.Code).text}</code>
        </pre>
      );
    case 'blockquote':
      return <blockquote key={i}>{(t as Tokens.Blockquote).tokens.map(block)}</blockquote>;
    case 'list': {
      const list = t as Tokens.List;
      const items = list.items.map((item, j) => <li key={j}>{item.tokens.map(block)}</li>);
      return list.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
    }
    case 'table': {
      const table = t as Tokens.Table;
      return (
        <table key={i} class="grid">
          <thead>
            <tr>
              {table.header.map((c, j) => (
                <th key={j}>{inline(c.tokens)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, j) => (
              <tr key={j}>
                {row.map((c, k) => (
                  <td key={k}>{inline(c.tokens)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    case 'hr':
      return <hr key={i} />;
    case 'space':
      return null;
    default:
      // Raw HTML blocks are text here: the page never parses a run's markup.
      return <p key={i}>{t.raw}</p>;
  }
}

/**
 * Markdown rendered to elements from marked's tokens, never through `innerHTML`: raw HTML shows
 * as text and links keep to http(s) and mailto.
 */
export function Markdown({ source }: { source: string }) {
  return <div class="markdown">{Lexer.lex(source).map(block)}</div>;
}
