// A proposal's staff discussion (issue 15): the comments, oldest first, a form to post one, and
// for officials a form that marks a disagreement flag settled by pointing to a comment. Both
// forms post to /discussion/:proposalId (app/routes/discussion.$proposalId.tsx), which returns to
// `returnTo`; without JavaScript they are plain form posts. Shown on the review page, on the
// board's breakdown and on the discussion's own page; the loaders decide whether it is shown at
// all (the access policy's "discuss" capability).
import { Form, useSearchParams } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { Select, TextArea } from "~/components/form";
import { MAX_MODERATION_NOTE } from "~/domain/board-query";
import { MAX_COMMENT } from "~/domain/discussion";
import type { FieldErrors } from "~/utils/form";
import { useT } from "~/utils/use-t";

export interface DiscussionView {
  proposalId: number;
  comments: {
    id: number;
    authorName: string;
    authorRole: "reviewer" | "official";
    body: string;
    createdAt: string;
    settles: { moderationId: number; criterionKey: string | null; officialName: string }[];
  }[];
  openFlags: { criterion: string | null }[];
}

export function DiscussionPanel({
  discussion,
  returnTo,
  canSettle = false,
  errors,
  values,
  headingLevel = 2,
}: {
  discussion: DiscussionView;
  /** Where a post returns (the page the panel is on). */
  returnTo: string;
  /** Officials: offer to mark a disagreement settled by a comment. */
  canSettle?: boolean;
  errors?: FieldErrors;
  values?: Record<string, unknown>;
  headingLevel?: 2 | 3;
}) {
  const t = useT();
  const [search] = useSearchParams();
  const done = errors ? null : search.get("discussion");
  const H = headingLevel === 2 ? "h2" : "h3";
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const action = `/discussion/${discussion.proposalId}`;
  const settleable = canSettle && discussion.comments.length > 0 && discussion.openFlags.length > 0;
  const criteria = [
    ...new Set(discussion.openFlags.map((f) => f.criterion).filter((c) => c !== null)),
  ];
  return (
    <section className="discussion" id="discussion" aria-labelledby="discussion-title">
      <H className={headingLevel === 2 ? "h2" : "h3"} id="discussion-title">
        {t("discussion.heading")}
      </H>
      <p className="hint">{t("discussion.intro")}</p>
      {done === "posted" || done === "settled" ? (
        <div className="notice notice--success" role="status">
          {t(done === "settled" ? "discussion.settled" : "discussion.posted")}
        </div>
      ) : null}
      {discussion.comments.length === 0 ? (
        <p>{t("discussion.empty")}</p>
      ) : (
        <ol className="discussion__list">
          {discussion.comments.map((c, i) => (
            <li key={c.id} id={`comment-${c.id}`} className="discussion__comment">
              <p className="caption discussion__byline">
                <span className="discussion__number">
                  {t("discussion.commentNumber", { n: i + 1 })}
                </span>{" "}
                ·{" "}
                {t("discussion.byline", {
                  name: c.authorName,
                  role: t(`discussion.role.${c.authorRole}`),
                })}{" "}
                · <DateTime iso={c.createdAt} />
              </p>
              <p className="preserve-lines discussion__body">{c.body}</p>
              {c.settles.map((s) => (
                <p key={s.moderationId} className="discussion__settled">
                  <span className="tag tag--green">✓</span>{" "}
                  {s.criterionKey
                    ? t("discussion.settledOne", {
                        official: s.officialName,
                        criterion: s.criterionKey,
                      })
                    : t("discussion.settledAll", { official: s.officialName })}
                </p>
              ))}
            </li>
          ))}
        </ol>
      )}
      {/* Keyed by the thread's length: after a post the form starts empty again. */}
      <Form
        method="post"
        action={action}
        noValidate
        className="discussion__form"
        key={`comment-${discussion.comments.length}`}
      >
        <input type="hidden" name="intent" value="comment" />
        <input type="hidden" name="returnTo" value={returnTo} />
        <TextArea
          name="body"
          label={t("discussion.commentLabel")}
          hint={t("discussion.commentHint", { max: MAX_COMMENT })}
          error={errors?.body}
          defaultValue={text(values?.intent) === "comment" ? (text(values?.body) ?? "") : ""}
          rows={3}
        />
        <button type="submit" className="button">
          {t("discussion.post")}
        </button>
      </Form>
      {settleable ? (
        <Form
          method="post"
          action={action}
          noValidate
          className="discussion__settle"
          key={`settle-${discussion.comments.length}`}
        >
          <input type="hidden" name="intent" value="settle" />
          <input type="hidden" name="returnTo" value={returnTo} />
          <H className="h3">{t("discussion.settle.heading")}</H>
          <p className="hint">{t("discussion.settle.hint")}</p>
          <Select
            name="commentId"
            label={t("discussion.settle.comment")}
            error={errors?.commentId}
            defaultValue={text(values?.commentId) ?? String(discussion.comments.at(-1)?.id ?? "")}
            options={discussion.comments.map((c, i) => ({
              value: String(c.id),
              label: `${t("discussion.commentNumber", { n: i + 1 })} · ${c.authorName}: ${
                c.body.length > 60 ? `${c.body.slice(0, 60)}…` : c.body
              }`,
            }))}
          />
          <Select
            name="settleCriterion"
            label={t("discussion.settle.flag")}
            error={errors?.settleCriterion}
            defaultValue={text(values?.settleCriterion) ?? ""}
            options={[
              { value: "", label: t("discussion.settle.allFlags") },
              ...criteria.map((c) => ({
                value: c,
                label: t("discussion.settle.flagCriterion", { criterion: c }),
              })),
            ]}
          />
          <TextArea
            name="settleNote"
            label={t("discussion.settle.note")}
            hint={t("discussion.settle.noteHint", { max: MAX_MODERATION_NOTE })}
            error={errors?.settleNote}
            defaultValue={text(values?.settleNote) ?? ""}
            rows={2}
          />
          <button type="submit" className="button button--secondary">
            {t("discussion.settle.submit")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
