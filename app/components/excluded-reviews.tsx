import { DateTime } from "~/components/date-time";

export interface ExcludedReviewView {
  reviewId: number;
  reviewerName: string;
  since: string;
}

/**
 * The flag officials see on a proposal whose reviewer declared a conflict after submitting a
 * review: whose review no longer counts, and since when (staff page, English only).
 */
export function ExcludedReviewsNotice({ excluded }: { excluded: readonly ExcludedReviewView[] }) {
  if (!excluded.length) return null;
  return (
    <div className="notice notice--warning" role="note" data-testid="excluded-reviews">
      <h2 className="h3">Reviews that no longer count</h2>
      <ul>
        {excluded.map((e) => (
          <li key={e.reviewId}>
            {e.reviewerName} declared a conflict of interest covering this proposal after submitting
            a review: that review does not count since <DateTime iso={e.since} />.
          </li>
        ))}
      </ul>
    </div>
  );
}
