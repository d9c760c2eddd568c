// A proposal's clarification thread as staff see it: each question and answer with its time and
// the documents attached to it.
import { DateTime } from "~/components/date-time";

export interface ThreadMessage {
  id: number;
  kind: string;
  body: string;
  authorName: string;
  createdAt: string;
  attachments: { id: number; name: string }[];
}

export function ClarificationThread({
  thread,
  showAuthor = false,
  emptyText,
}: {
  thread: ThreadMessage[];
  /** Officials see who asked; reviewers see "the CDA". */
  showAuthor?: boolean;
  emptyText: string;
}) {
  if (!thread.length) return <p>{emptyText}</p>;
  return (
    <ol className="thread">
      {thread.map((m) => (
        <li key={m.id} className={`thread__message thread__message--${m.kind}`}>
          <p className="caption">
            {m.kind !== "question"
              ? "Applicant's answer"
              : showAuthor
                ? `Question by ${m.authorName}`
                : "Question from the CDA"}{" "}
            · <DateTime iso={m.createdAt} />
          </p>
          <p className="preserve-lines">{m.body}</p>
          {m.attachments.length ? (
            <ul className="list">
              {m.attachments.map((f) => (
                <li key={f.id}>
                  <a href={`/attachments/${f.id}`} download>
                    {f.name}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
