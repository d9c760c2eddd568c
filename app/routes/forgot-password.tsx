import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { EmailLinkRequestPage } from "~/components/email-link-request-page";
import { issuePasswordResetLink } from "~/models/users.server";
import { requestEmailLink, type EmailLinkActionData } from "~/services/email-link-request.server";
import { pageTitle } from "~/utils/page-title";

// The answer is the same whether or not the address has an account.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.forgot.title");

export async function action({ request, context }: ActionFunctionArgs) {
  return requestEmailLink(request, context, {
    issue: issuePasswordResetLink,
    template: "reset_password",
    path: "/reset-password",
  });
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>() as EmailLinkActionData | undefined;
  return (
    <EmailLinkRequestPage
      actionData={actionData}
      text={{
        title: "auth.forgot.title",
        intro: "auth.forgot.intro",
        submit: "auth.forgot.submit",
        sentTitle: "auth.forgot.sent.title",
        sentBody: "auth.forgot.sent.body",
      }}
    />
  );
}
