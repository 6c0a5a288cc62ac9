import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../api/types.ts';
import { useFormat } from '../lib/format.ts';
import { check, messageSchema, MESSAGE_MAX } from '../lib/schemas.ts';
import { Button } from './Button.tsx';
import { TextAreaField } from './Field.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { EmptyState } from './EmptyState.tsx';

interface MessageThreadProps {
  messages: Message[];
  /** Whose messages are "mine" (drawn on the right). */
  me: 'buyer' | 'reviewer';
  onSend?: (body: string) => Promise<unknown>;
  sending?: boolean;
  error?: unknown;
  closedText?: string;
}

/** A conversation between the buyer and customer service: oldest first, newest in view. */
export function MessageThread({ messages, me, onSend, sending, error, closedText }: MessageThreadProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [body, setBody] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = check(messageSchema, { body });
    if (!result.ok) return setFieldError(result.errors.body);
    setFieldError(undefined);
    try {
      await onSend?.(result.data.body);
      setBody('');
    } catch {
      // shown through `error`
    }
  };

  const author = (m: Message) => {
    if (m.authorRole === me) return t('messages.you');
    return m.authorRole === 'buyer' ? (m.authorName ?? t('messages.buyer')) : (m.authorName ?? t('messages.support'));
  };

  return (
    <div className="stack">
      {messages.length === 0 ? (
        <EmptyState title={t('messages.empty')} />
      ) : (
        <ol className="thread" ref={listRef} aria-label={t('messages.label')} tabIndex={0}>
          {messages.map((m) => (
            <li key={m.id} className={`bubble${m.authorRole === me ? ' bubble-mine' : ''}`}>
              <p className="bubble-meta">
                <strong>{author(m)}</strong> · <time dateTime={m.at}>{fmt.dateTime(m.at)}</time>
              </p>
              <p>{m.body}</p>
            </li>
          ))}
        </ol>
      )}
      {onSend ? (
        <form onSubmit={submit} noValidate className="form">
          {!!error && <ErrorAlert error={error} />}
          <TextAreaField
            label={t('messages.write')}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            maxLength={MESSAGE_MAX}
            error={fieldError}
            rows={3}
            data-testid="message-input"
          />
          <div className="form-actions">
            <Button type="submit" busy={sending}>
              {t('messages.send')}
            </Button>
          </div>
        </form>
      ) : (
        closedText && <p className="muted">{closedText}</p>
      )}
    </div>
  );
}
