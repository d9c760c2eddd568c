// ISO 3166-1 alpha-2 codes; names come from Intl.DisplayNames in the page language.
export const COUNTRY_CODES = (
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS " +
  "BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE " +
  "EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM " +
  "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC " +
  "LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA " +
  "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
  "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO " +
  "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
).split(" ") as [string, ...string[]];

export function isCountryCode(value: unknown): boolean {
  return typeof value === "string" && COUNTRY_CODES.includes(value);
}

/** Mainland China's provincial-level divisions (the ones that issue USCCs), English / Chinese. */
export const CN_PROVINCES: readonly { value: string; zh: string }[] = [
  { value: "Anhui", zh: "安徽" },
  { value: "Beijing", zh: "北京" },
  { value: "Chongqing", zh: "重庆" },
  { value: "Fujian", zh: "福建" },
  { value: "Gansu", zh: "甘肃" },
  { value: "Guangdong", zh: "广东" },
  { value: "Guangxi", zh: "广西" },
  { value: "Guizhou", zh: "贵州" },
  { value: "Hainan", zh: "海南" },
  { value: "Hebei", zh: "河北" },
  { value: "Heilongjiang", zh: "黑龙江" },
  { value: "Henan", zh: "河南" },
  { value: "Hubei", zh: "湖北" },
  { value: "Hunan", zh: "湖南" },
  { value: "Inner Mongolia", zh: "内蒙古" },
  { value: "Jiangsu", zh: "江苏" },
  { value: "Jiangxi", zh: "江西" },
  { value: "Jilin", zh: "吉林" },
  { value: "Liaoning", zh: "辽宁" },
  { value: "Ningxia", zh: "宁夏" },
  { value: "Qinghai", zh: "青海" },
  { value: "Shaanxi", zh: "陕西" },
  { value: "Shandong", zh: "山东" },
  { value: "Shanghai", zh: "上海" },
  { value: "Shanxi", zh: "山西" },
  { value: "Sichuan", zh: "四川" },
  { value: "Tianjin", zh: "天津" },
  { value: "Tibet", zh: "西藏" },
  { value: "Xinjiang", zh: "新疆" },
  { value: "Yunnan", zh: "云南" },
  { value: "Zhejiang", zh: "浙江" },
];
