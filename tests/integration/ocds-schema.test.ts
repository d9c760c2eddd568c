// The OCDS release and record packages of the decided demo call (issue 17), checked field by field
// against the Open Contracting Data Standard 1.1 as documented in open-contracting/standard
// (schema/release-package-schema.json, release-schema.json, record-package-schema.json and the
// codelists in schema/codelists/*.csv). The standard's files are not committed: the checks below
// are written from them, each naming the part of the schema it holds the package to.
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemoIfEmpty } from "~db/seed";
import * as ocdsRoute from "~/routes/calls.$slug.ocds[.json]";
import * as recordRoute from "~/routes/calls.$slug.ocds-record[.json]";
import { getDb } from "~/services/db.server";
import { callLoader } from "../support/remix";

const PAST = "gov-cloud-pilot-2025";
const DEMO = "tier4-bigdata-2026";

// Codelists (schema/codelists/*.csv, OCDS 1.1): closed ones as the schema's enums, open ones as
// the codes the standard lists.
const RELEASE_TAG = [
  "planning",
  "planningUpdate",
  "tender",
  "tenderAmendment",
  "tenderUpdate",
  "tenderCancellation",
  "award",
  "awardUpdate",
  "awardCancellation",
  "contract",
  "contractUpdate",
  "contractAmendment",
  "implementation",
  "implementationUpdate",
  "contractTermination",
  "compiled",
];
const PARTY_ROLE = [
  "buyer",
  "procuringEntity",
  "supplier",
  "tenderer",
  "funder",
  "enquirer",
  "payer",
  "payee",
  "reviewBody",
  "interestedParty",
];
const TENDER_STATUS = [
  "planning",
  "planned",
  "active",
  "cancelled",
  "unsuccessful",
  "complete",
  "withdrawn",
];
const AWARD_STATUS = ["pending", "active", "cancelled", "unsuccessful"];
const METHOD = ["open", "selective", "limited", "direct"];
/** awardCriteria.csv without the codes deprecated in 1.1 (lowestCost, bestProposal, …). */
const AWARD_CRITERIA = ["priceOnly", "costOnly", "qualityOnly", "ratedCriteria"];
const INITIATION_TYPE = ["tender"];
const SUBMISSION_METHOD = ["electronicSubmission", "electronicAuction", "written", "inPerson"];
const DOCUMENT_TYPE_USED = [
  "evaluationCriteria",
  "awardNotice",
  "tenderNotice",
  "shortlistedFirms",
];

// The properties each object of release-schema.json defines (an object may carry no other key,
// except a language variant of a text field, e.g. title_zh-Hans, per its patternProperties).
const RELEASE_KEYS = [
  "ocid",
  "id",
  "date",
  "tag",
  "initiationType",
  "parties",
  "buyer",
  "planning",
  "tender",
  "awards",
  "contracts",
  "language",
  "relatedProcesses",
];
const TENDER_KEYS = [
  "id",
  "title",
  "description",
  "status",
  "procuringEntity",
  "items",
  "value",
  "minValue",
  "procurementMethod",
  "procurementMethodDetails",
  "procurementMethodRationale",
  "mainProcurementCategory",
  "additionalProcurementCategories",
  "awardCriteria",
  "awardCriteriaDetails",
  "submissionMethod",
  "submissionMethodDetails",
  "tenderPeriod",
  "enquiryPeriod",
  "hasEnquiries",
  "eligibilityCriteria",
  "awardPeriod",
  "contractPeriod",
  "numberOfTenderers",
  "tenderers",
  "documents",
  "milestones",
  "amendments",
];
const TENDER_TEXT = [
  "title",
  "description",
  "procurementMethodRationale",
  "awardCriteriaDetails",
  "submissionMethodDetails",
  "eligibilityCriteria",
];
const AWARD_KEYS = [
  "id",
  "title",
  "description",
  "status",
  "date",
  "value",
  "suppliers",
  "items",
  "contractPeriod",
  "documents",
  "amendments",
];
const ORGANIZATION_KEYS = [
  "name",
  "id",
  "identifier",
  "additionalIdentifiers",
  "address",
  "contactPoint",
  "roles",
  "details",
];
const DOCUMENT_KEYS = [
  "id",
  "documentType",
  "title",
  "description",
  "url",
  "datePublished",
  "dateModified",
  "format",
  "language",
];
const AMENDMENT_KEYS = ["date", "rationale", "id", "description", "amendsReleaseID", "releaseID"];
const ADDRESS_KEYS = ["streetAddress", "locality", "region", "postalCode", "countryName"];
const CONTACT_KEYS = ["name", "email", "telephone", "faxNumber", "url"];
const PERIOD_KEYS = ["startDate", "endDate", "maxExtentDate", "durationInDays"];

/** The language-variant pattern of release-schema.json's patternProperties (BCP47 after "_"). */
const BCP47 =
  /^(((([A-Za-z]{2,3}(-([A-Za-z]{3}(-[A-Za-z]{3}){0,2}))?)|[A-Za-z]{4}|[A-Za-z]{5,8})(-([A-Za-z]{4}))?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(-([0-9A-WY-Za-wy-z](-[A-Za-z0-9]{2,8})+))*(-(x(-[A-Za-z0-9]{1,8})+))?)|(x(-[A-Za-z0-9]{1,8})+))$/;
/** "format": "date-time" (RFC 3339). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Obj = Record<string, unknown>;

/** Every key is a defined property, or a language variant of one of the given text fields. */
function expectKeys(where: string, o: Obj, allowed: string[], texts: string[] = []) {
  for (const key of Object.keys(o)) {
    const [base, variant] = key.split(/_(.*)/s);
    const ok =
      variant === undefined ? allowed.includes(key) : texts.includes(base!) && BCP47.test(variant);
    expect(ok, `${where}: "${key}" is not a field of the schema`).toBe(true);
  }
}

function expectString(where: string, v: unknown, minLength = 1) {
  expect(typeof v, where).toBe("string");
  expect((v as string).length, where).toBeGreaterThanOrEqual(minLength);
}

function expectDateTime(where: string, v: unknown) {
  expect(v, where).toMatch(DATE_TIME);
  expect(Number.isNaN(Date.parse(v as string)), where).toBe(false);
}

function expectUri(where: string, v: unknown) {
  expect(() => new URL(v as string), where).not.toThrow();
}

function expectPeriod(where: string, p: Obj) {
  expectKeys(where, p, PERIOD_KEYS);
  if (p.startDate !== undefined) expectDateTime(`${where}.startDate`, p.startDate);
  if (p.endDate !== undefined) expectDateTime(`${where}.endDate`, p.endDate);
  if (p.startDate && p.endDate) expect(p.startDate <= p.endDate, where).toBe(true);
}

function expectDocument(where: string, d: Obj) {
  expectKeys(where, d, DOCUMENT_KEYS, ["title", "description"]);
  expectString(`${where}.id`, d.id); // required
  expect(DOCUMENT_TYPE_USED).toContain(d.documentType);
  expectUri(`${where}.url`, d.url);
  if (d.datePublished !== undefined) expectDateTime(`${where}.datePublished`, d.datePublished);
  expect(d.format, where).toBe("text/html"); // mediaType.csv
  expect(d.language, where).toMatch(/^[a-z]{2}$/); // language.csv: ISO 639-1
}

function expectAmendment(where: string, a: Obj, releaseIds: string[], own: string) {
  expectKeys(where, a, AMENDMENT_KEYS, ["rationale", "description"]);
  expectString(`${where}.id`, a.id);
  expectDateTime(`${where}.date`, a.date);
  expectString(`${where}.rationale`, a.rationale);
  expect(releaseIds, `${where}.amendsReleaseID`).toContain(a.amendsReleaseID);
  expect(a.releaseID, `${where}.releaseID`).toBe(own);
}

/** A release, checked against release-schema.json; `earlier` are the ids of the releases before. */
function expectRelease(r: Obj, ocid: string, earlier: string[], compiled = false) {
  const where = `release ${String(r.id)}`;
  // required: ocid, id, date, tag, initiationType
  for (const field of ["ocid", "id", "date", "tag", "initiationType"])
    expect(r, `${where} lacks ${field}`).toHaveProperty(field);
  expectKeys(where, r, RELEASE_KEYS);
  expect(r.ocid).toBe(ocid);
  expectString(`${where}.id`, r.id);
  expect(String(r.id)).not.toContain("#"); // "must not contain the number sign"
  expectDateTime(`${where}.date`, r.date);
  expect(Array.isArray(r.tag) && r.tag.length >= 1, `${where}.tag minItems 1`).toBe(true);
  for (const t of r.tag as string[]) expect(RELEASE_TAG).toContain(t);
  if (compiled) expect(r.tag).toEqual(["compiled"]);
  expect(INITIATION_TYPE).toContain(r.initiationType);
  expect(r.language).toBe("en");

  // parties: Organization, uniqueItems; ids unique within the process
  const parties = r.parties as Obj[];
  expect(Array.isArray(parties)).toBe(true);
  const partyIds = parties.map((p) => p.id);
  expect(new Set(partyIds).size, `${where}: party ids unique`).toBe(partyIds.length);
  for (const p of parties) {
    const pw = `${where} party ${String(p.id)}`;
    expectKeys(pw, p, ORGANIZATION_KEYS, ["name"]);
    expectString(`${pw}.id`, p.id);
    expectString(`${pw}.name`, p.name);
    for (const role of p.roles as string[]) expect(PARTY_ROLE).toContain(role);
    if (p.address) expectKeys(`${pw}.address`, p.address as Obj, ADDRESS_KEYS);
    if (p.contactPoint) expectKeys(`${pw}.contactPoint`, p.contactPoint as Obj, CONTACT_KEYS);
  }
  const party = (id: unknown) => parties.find((p) => p.id === id);
  /** OrganizationReference: its name "must match the name of an entry in the parties section". */
  const expectRef = (w: string, ref: Obj, role: string) => {
    expectKeys(w, ref, ["id", "name"]);
    const p = party(ref.id);
    expect(p, `${w} names no party`).toBeDefined();
    expect(ref.name, w).toBe(p!.name);
    expect(p!.roles as string[], w).toContain(role);
  };
  expectRef(`${where}.buyer`, r.buyer as Obj, "buyer");
  // A buyer that is also the procuring entity is disclosed as buyer only (partyRole.csv).
  for (const p of parties) expect(p.roles as string[]).not.toContain("procuringEntity");

  const tender = r.tender as Obj;
  const tw = `${where}.tender`;
  expectKeys(tw, tender, TENDER_KEYS, TENDER_TEXT);
  expectString(`${tw}.id`, tender.id); // required
  expect(TENDER_STATUS).toContain(tender.status);
  expect(METHOD).toContain(tender.procurementMethod);
  expect(AWARD_CRITERIA).toContain(tender.awardCriteria);
  expectString(`${tw}.awardCriteriaDetails`, tender.awardCriteriaDetails, 50);
  expectString(`${tw}.awardCriteriaDetails_zh-Hans`, tender["awardCriteriaDetails_zh-Hans"], 20);
  for (const m of tender.submissionMethod as string[]) expect(SUBMISSION_METHOD).toContain(m);
  expectPeriod(`${tw}.tenderPeriod`, tender.tenderPeriod as Obj);
  for (const d of tender.documents as Obj[]) expectDocument(`${tw}.documents`, d);
  if (tender.tenderers !== undefined) {
    for (const t of tender.tenderers as Obj[]) expectRef(`${tw}.tenderers`, t, "tenderer");
    expect(Number.isInteger(tender.numberOfTenderers), `${tw}.numberOfTenderers`).toBe(true);
    expect(tender.numberOfTenderers as number).toBeGreaterThanOrEqual(
      (tender.tenderers as Obj[]).length,
    );
    expectPeriod(`${tw}.awardPeriod`, tender.awardPeriod as Obj);
  }

  const awards = (r.awards as Obj[] | undefined) ?? [];
  const awardIds = awards.map((a) => a.id);
  expect(new Set(awardIds).size, `${where}: award ids unique`).toBe(awardIds.length);
  for (const a of awards) {
    const aw = `${where} award ${String(a.id)}`;
    expectKeys(aw, a, [...AWARD_KEYS, "datePublished"], ["title", "description"]);
    expectString(`${aw}.id`, a.id); // required
    expect(AWARD_STATUS).toContain(a.status);
    expectDateTime(`${aw}.date`, a.date);
    expect((a.suppliers as Obj[]).length).toBeGreaterThanOrEqual(1);
    for (const s of a.suppliers as Obj[])
      expectRef(`${aw}.suppliers`, s, a.status === "active" ? "supplier" : "tenderer");
    for (const am of (a.amendments as Obj[] | undefined) ?? [])
      expectAmendment(`${aw}.amendments`, am, earlier, String(r.id));
  }
  return { awards, tender, parties };
}

let releasePackage: Obj;
let recordPackage: Obj;

beforeAll(async () => {
  await seedDemoIfEmpty(getDb());
  const res = await callLoader(ocdsRoute.loader, `/calls/${PAST}/ocds.json`, {
    params: { slug: PAST },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
  releasePackage = res.data;
  const rec = await callLoader(recordRoute.loader, `/calls/${PAST}/ocds-record.json`, {
    params: { slug: PAST },
  });
  expect(rec.status).toBe(200);
  recordPackage = rec.data;
});

describe("the decided demo call's release package (release-package-schema.json)", () => {
  it("has the package's fields: uri, version 1.1, publishedDate, publisher, releases", () => {
    expectKeys("package", releasePackage, [
      "uri",
      "version",
      "extensions",
      "publishedDate",
      "releases",
      "publisher",
      "license",
      "publicationPolicy",
    ]);
    expect(releasePackage.version).toMatch(/^(\d+\.)(\d+)$/);
    expect(releasePackage.version).toBe("1.1");
    expectUri("uri", releasePackage.uri);
    expect(String(releasePackage.uri)).toMatch(new RegExp(`/calls/${PAST}/ocds\\.json$`));
    expectDateTime("publishedDate", releasePackage.publishedDate);
    expectString("publisher.name", (releasePackage.publisher as Obj).name);
    expectUri("publisher.uri", (releasePackage.publisher as Obj).uri);
  });

  it("holds every release published for the call, oldest first: the tender, then the award", () => {
    const releases = releasePackage.releases as Obj[];
    expect(releases.map((r) => r.tag)).toEqual([["tender"], ["award"]]);
    const dates = releases.map((r) => r.date as string);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length); // "should be unique within the process"
    expect(new Set(releases.map((r) => r.id)).size).toBe(releases.length);
    expect(releasePackage.publishedDate).toBe(dates[dates.length - 1]);
  });

  it("checks each release field by field against release-schema.json and the code lists", () => {
    const releases = releasePackage.releases as Obj[];
    const ocid = `ocds-xxxxxx-${PAST}`;
    const ids: string[] = [];
    for (const r of releases) {
      expectRelease(r, ocid, ids);
      ids.push(String(r.id));
    }
    const [tender, award] = releases as [Obj, Obj];
    expect((tender.tender as Obj).status).toBe("active");
    expect((award.tender as Obj).status).toBe("complete");
  });

  it("describes the award criteria from the published criteria and rules", () => {
    const details = String(
      ((releasePackage.releases as Obj[])[1]!.tender as Obj).awardCriteriaDetails,
    );
    for (const text of ["Tier IV technical credibility 20%", "Energy and sustainability 10%", "65"])
      expect(details).toContain(text);
  });

  it("awards each shortlisted proposal of the demo call to its company, and names reserve companies as tenderers", async () => {
    const award = (releasePackage.releases as Obj[])[1]!;
    const shortlisted = await getDb()
      .selectFrom("proposals")
      .innerJoin("calls", "calls.id", "proposals.call_id")
      .select(["proposals.reference", "proposals.company_en", "proposals.status"])
      .where("calls.slug", "=", PAST)
      .where("proposals.status", "in", ["shortlisted", "reserve", "rejected"])
      .orderBy("proposals.reference")
      .execute();
    const awards = award.awards as { id: string; status: string; suppliers: Obj[] }[];
    expect(awards.map((a) => a.id).sort()).toEqual(
      shortlisted.filter((p) => p.status === "shortlisted").map((p) => p.reference),
    );
    expect(awards.every((a) => a.status === "active")).toBe(true);
    const tenderers = ((award.tender as Obj).tenderers as Obj[]).map((t) => t.name);
    for (const p of shortlisted) {
      if (p.status === "rejected") expect(tenderers).not.toContain(p.company_en);
      else expect(tenderers).toContain(p.company_en);
    }
  });
});

describe("the decided demo call's record package (record-package-schema.json)", () => {
  it("has one record with every release and a compiled release", () => {
    for (const field of ["uri", "publisher", "publishedDate", "records", "version"])
      expect(recordPackage, `record package lacks ${field}`).toHaveProperty(field);
    expect(recordPackage.version).toBe("1.1");
    expectString("publisher.name", (recordPackage.publisher as Obj).name);
    const records = recordPackage.records as Obj[];
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expectKeys("record", record, ["ocid", "releases", "compiledRelease", "versionedRelease"]);
    expect(record.ocid).toBe(`ocds-xxxxxx-${PAST}`);
    expect(record.releases).toEqual(releasePackage.releases);
    const compiled = record.compiledRelease as Obj;
    const { awards } = expectRelease(compiled, String(record.ocid), [], true);
    const last = (releasePackage.releases as Obj[])[1]!;
    expect(compiled.id).toBe(`${String(record.ocid)}-${String(last.date)}`);
    expect(compiled.date).toBe(last.date);
    expect(awards).toEqual(last.awards);
    expect((compiled.tender as Obj).status).toBe("complete");
  });
});

describe("the open demo call", () => {
  it("has its tender release only: no results are published before a decision", async () => {
    const res = await callLoader(ocdsRoute.loader, `/calls/${DEMO}/ocds.json`, {
      params: { slug: DEMO },
    });
    expect(res.status).toBe(200);
    const releases = res.data.releases as Obj[];
    expect(releases.map((r) => r.tag)).toEqual([["tender"]]);
    expectRelease(releases[0]!, `ocds-xxxxxx-${DEMO}`, []);
    expect(releases[0]).not.toHaveProperty("awards");
  });
});
