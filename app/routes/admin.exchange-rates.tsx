// /admin/exchange-rates: officials record a dated rate to US dollars per currency with its source;
// the latest rate of each currency converts new money answers (models/exchange-rates.server.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Choices, ErrorSummary, TextField } from "~/components/form";
import { actorFrom } from "~/domain/command";
import {
  listExchangeRates,
  recordExchangeRate,
  type ExchangeRateInput,
} from "~/models/call-admin.server";
import { listLatestRates } from "~/models/exchange-rates.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { OFFICIAL_ROLES } from "~/services/session.server";
import { formatDateTime } from "~/utils/dates";
import { type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { readForm } from "~/services/form-body.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, { text: "Exchange rates" });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, OFFICIAL_ROLES);
  const db = getDb();
  const [rates, latest] = await Promise.all([listExchangeRates(db), listLatestRates(db)]);
  return data({ rates, latest: latest.filter((r) => r.currency !== "USD") });
}

interface ActionData {
  errors: FieldErrors;
  values: ExchangeRateInput;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, OFFICIAL_ROLES);
  const form = await readForm(request);
  const field = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v.normalize("NFKC").trim() : "";
  };
  const values: ExchangeRateInput = {
    currency: field("currency"),
    usdPerUnit: field("usdPerUnit"),
    rateDate: field("rateDate"),
    source: field("source"),
  };
  const recorded = await recordExchangeRate(getDb(), values, actorFrom(user, context));
  if (!recorded.ok)
    return data<ActionData>({ errors: recorded.errors, values }, { status: recorded.status });
  return redirect(`/admin/exchange-rates?notice=${values.currency}`);
}

export default function ExchangeRates() {
  const { rates, latest } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [search] = useSearchParams();
  const recorded = actionData ? null : search.get("notice");
  const errors = actionData?.errors ?? {};
  const values = actionData?.values;
  return (
    <>
      <p>
        <Link to="/admin">Administration</Link>
      </p>
      <ErrorSummary errors={actionData?.errors} />
      {recorded === "PKR" || recorded === "CNY" ? (
        <div className="notice notice--success" role="status">
          The {recorded} rate was recorded.
        </div>
      ) : null}
      <h1>Exchange rates</h1>
      <p>
        Investments are entered in US dollars, Pakistani rupees or Chinese yuan. Each amount is
        stored as entered, with its US-dollar equivalent at the latest rate of its currency, the
        rate&apos;s date and its source. The board ranks and filters on the US-dollar equivalent.
      </p>
      {latest.length ? (
        <dl className="summary-list">
          {latest.map((r) => (
            <div className="summary-list__row" key={r.currency}>
              <dt>Latest {r.currency} rate</dt>
              <dd>
                1 {r.currency} = {r.usdPerUnit} USD ({r.rateDate}, {r.source})
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p>No rate has been recorded yet.</p>
      )}

      <h2>Record a rate</h2>
      <Form method="post" noValidate>
        <Choices
          name="currency"
          label="Currency"
          error={errors.currency}
          defaultValue={values?.currency}
          options={[
            { value: "PKR", label: "PKR – Pakistani rupee" },
            { value: "CNY", label: "CNY – Chinese yuan" },
          ]}
        />
        <TextField
          name="usdPerUnit"
          label="US dollars per unit"
          hint="A decimal number with at most 12 decimal places, like 0.0036 for one rupee or 0.14 for one yuan."
          error={errors.usdPerUnit}
          defaultValue={values?.usdPerUnit}
          inputMode="decimal"
          className="input--short"
        />
        <TextField
          name="rateDate"
          label="Date of the rate"
          hint="The day the rate applies to, for example 2026-11-27. Not in the future."
          type="date"
          error={errors.rateDate}
          defaultValue={values?.rateDate}
          className="input--short"
        />
        <TextField
          name="source"
          label="Source"
          hint="For example: State Bank of Pakistan, weighted average customer rate."
          error={errors.source}
          defaultValue={values?.source}
        />
        <button type="submit" className="button">
          Record the rate
        </button>
      </Form>

      <h2>All rates</h2>
      {rates.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">All recorded rates, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Currency</th>
                <th scope="col" className="num">
                  USD per unit
                </th>
                <th scope="col">Source</th>
                <th scope="col">Recorded</th>
              </tr>
            </thead>
            <tbody>
              {rates.map((r) => (
                <tr key={r.id}>
                  <td>{r.rate_date}</td>
                  <td>{r.currency}</td>
                  <td className="num">{r.usd_per_unit}</td>
                  <td>{r.source}</td>
                  <td>
                    {formatDateTime(r.created_at, "en")}
                    {r.created_by_email ? ` by ${r.created_by_email}` : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>None yet.</p>
      )}
    </>
  );
}
