import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { EmailLinkRequestPage } from "~/components/email-link-request-page";
import { issueVerificationLink } from "~/models/users.server";
import { requestEmailLink, type EmailLinkActionData } from "~/services/email-link-request.server";
import { pageTitle } from "~/utils/page-title";

// Asks for a new confirmation link. The answer is the same whether or not the address has an
// account, and whether or not it still needs confirming.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.resend.title");

export async function action({ request, context }: ActionFunctionArgs) {
  return requestEmailLink(request, context, {
    issue: issueVerificationLink,
    template: "verify_email",
    path: "/verify-email",
  });
}

export default function ResendVerification() {
  const actionData = useActionData<typeof action>() as EmailLinkActionData | undefined;
  return (
    <EmailLinkRequestPage
      actionData={actionData}
      text={{
        title: "auth.resend.title",
        intro: "auth.resend.intro",
        submit: "auth.resend.submit",
        sentTitle: "auth.resend.sent.title",
        sentBody: "auth.resend.sent.body",
      }}
    />
  );
}
