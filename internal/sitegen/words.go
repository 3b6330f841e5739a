package sitegen

// The vocabulary the generator draws on. Titles are built from one entry
// of each of kinds, topics, sectors and places through one of the title
// patterns; summaries from the sentence patterns in text.go.

// siteName is what the site appends to its page titles; siteFullName is
// the organisation behind it.
const (
	siteName     = "Northstar Network"
	siteFullName = "Northstar Business Network Against Forced Labour"
	siteTagline  = "Companies and their partners working to end forced labour in global supply chains"
)

// typeNames are the resource types (the site's categories), in menu order.
var typeNames = []string{
	"Guidance", "Publications", "Tools", "Reports", "Case Studies",
	"Policy Briefs", "Research", "Training Materials",
}

const (
	tGuidance = iota
	tPublications
	tTools
	tReports
	tCaseStudies
	tPolicyBriefs
	tResearch
	tTraining
)

// tagNames are the site's tags: regions first, then themes and sectors.
var tagNames = []string{
	"Global", "Asia-Pacific", "Africa", "Europe", "Latin America", "Middle East", "South Asia", "North America",
	"Supply Chains", "Forced Labour", "Recruitment", "Migrant Workers", "Child Labour", "Due Diligence",
	"Remediation", "Finance", "Technology", "Seafood", "Agriculture", "Construction", "Apparel",
	"Electronics", "Mining", "Hospitality", "Domestic Work", "Gender", "Grievance Mechanisms", "Audits",
	"Legislation", "Public Procurement", "Wages", "Health and Safety",
}

const (
	gGlobal = iota
	gAsiaPacific
	gAfrica
	gEurope
	gLatinAmerica
	gMiddleEast
	gSouthAsia
	gNorthAmerica
	gSupplyChains
	gForcedLabour
	gRecruitment
	gMigrantWorkers
	gChildLabour
	gDueDiligence
	gRemediation
	gFinance
	gTechnology
	gSeafood
	gAgriculture
	gConstruction
	gApparel
	gElectronics
	gMining
	gHospitality
	gDomesticWork
	gGender
	gGrievance
	gAudits
	gLegislation
	gProcurement
	gWages
	gSafety
)

// kind is a kind of document: its name in titles, in running text, and
// the resource type it files under.
type kind struct {
	title, text string
	typ         int
}

var kinds = []kind{
	{"Guidance Note", "guidance note", tGuidance},
	{"Toolkit", "toolkit", tTools},
	{"Briefing", "briefing", tPolicyBriefs},
	{"Roadmap", "roadmap", tGuidance},
	{"Handbook", "handbook", tGuidance},
	{"Risk Assessment", "risk assessment", tReports},
	{"Evidence Review", "evidence review", tResearch},
	{"Framework", "framework", tGuidance},
	{"Baseline Study", "baseline study", tResearch},
	{"Practice Note", "practice note", tGuidance},
	{"Field Guide", "field guide", tGuidance},
	{"Primer", "primer", tPublications},
	{"Scoping Study", "scoping study", tResearch},
	{"Checklist", "checklist", tTools},
	{"Manual", "manual", tTraining},
	{"Position Paper", "position paper", tPolicyBriefs},
	{"Learning Brief", "learning brief", tCaseStudies},
	{"Case Study", "case study", tCaseStudies},
	{"Survey Report", "survey report", tReports},
	{"Training Module", "training module", tTraining},
	{"Self-Assessment Tool", "self-assessment tool", tTools},
	{"Policy Brief", "policy brief", tPolicyBriefs},
	{"Annual Review", "annual review", tReports},
	{"Discussion Paper", "discussion paper", tPublications},
	{"Good Practice Guide", "good practice guide", tGuidance},
	{"Situation Analysis", "situation analysis", tReports},
	{"Mapping Study", "mapping study", tResearch},
	{"Technical Note", "technical note", tPublications},
	{"Benchmark", "benchmark", tTools},
	{"Synthesis Report", "synthesis report", tReports},
}

// phrase is a topic, sector or place: its form in titles, in running text,
// and the tag it brings.
type phrase struct {
	title, text string
	tag         int
}

var topics = []phrase{
	{"Fair Recruitment", "fair recruitment", gRecruitment},
	{"Worker Voice", "worker voice", gGrievance},
	{"Debt Bondage", "debt bondage", gForcedLabour},
	{"Forced Labour Indicators", "forced labour indicators", gForcedLabour},
	{"Grievance Mechanisms", "grievance mechanisms", gGrievance},
	{"Supplier Audits", "supplier audits", gAudits},
	{"Remediation of Forced Labour", "remediation of forced labour", gRemediation},
	{"Responsible Sourcing", "responsible sourcing", gSupplyChains},
	{"Child Labour Risks", "child labour risks", gChildLabour},
	{"Migrant Worker Welfare", "migrant worker welfare", gMigrantWorkers},
	{"Wage Theft", "wage theft", gWages},
	{"Passport Retention", "passport retention", gMigrantWorkers},
	{"Labour Broker Oversight", "labour broker oversight", gRecruitment},
	{"Living Wages", "living wages", gWages},
	{"Human Rights Due Diligence", "human rights due diligence", gDueDiligence},
	{"Purchasing Practices", "purchasing practices", gSupplyChains},
	{"Responsible Exit", "responsible exit", gDueDiligence},
	{"Supply Chain Traceability", "supply chain traceability", gTechnology},
	{"Workers’ Accommodation", "workers’ accommodation", gMigrantWorkers},
	{"Gender-Based Violence", "gender-based violence", gGender},
	{"Victim Support", "victim support", gRemediation},
	{"Zero-Fee Recruitment", "zero-fee recruitment", gRecruitment},
	{"Subcontracting Risks", "subcontracting risks", gSupplyChains},
	{"Occupational Safety", "occupational safety", gSafety},
	{"Freedom of Association", "freedom of association", gGrievance},
	{"Ethical Recruitment Audits", "ethical recruitment audits", gAudits},
	{"Modern Slavery Reporting", "modern slavery reporting", gLegislation},
	{"Public Procurement Safeguards", "public procurement safeguards", gProcurement},
	{"Investor Engagement", "investor engagement", gFinance},
	{"Digital Labour Platforms", "digital labour platforms", gTechnology},
	{"Seasonal Work Schemes", "seasonal work schemes", gMigrantWorkers},
	{"Excessive Overtime", "excessive overtime", gWages},
	{"Withheld Wages", "withheld wages", gWages},
	{"Mandatory Due Diligence Laws", "mandatory due diligence laws", gLegislation},
	{"Responsible Investment", "responsible investment", gFinance},
	{"Survivor Inclusion", "survivor inclusion", gRemediation},
}

var sectors = []phrase{
	{"Seafood Processing", "seafood processing", gSeafood},
	{"Garment Manufacturing", "garment manufacturing", gApparel},
	{"Cocoa Farming", "cocoa farming", gAgriculture},
	{"Electronics Assembly", "electronics assembly", gElectronics},
	{"Construction", "construction", gConstruction},
	{"Palm Oil Plantations", "palm oil plantations", gAgriculture},
	{"Hospitality", "hospitality", gHospitality},
	{"Domestic Work", "domestic work", gDomesticWork},
	{"Cobalt Mining", "cobalt mining", gMining},
	{"Logistics and Warehousing", "logistics and warehousing", gSupplyChains},
	{"Fishing Fleets", "fishing fleets", gSeafood},
	{"Fruit Harvesting", "fruit harvesting", gAgriculture},
	{"Textile Mills", "textile mills", gApparel},
	{"Solar Panel Supply Chains", "solar panel supply chains", gTechnology},
	{"Brick Kilns", "brick kilns", gConstruction},
	{"Cotton Ginning", "cotton ginning", gApparel},
	{"Oil & Gas", "oil and gas", gMining},
	{"Healthcare Staffing", "healthcare staffing", gMigrantWorkers},
	{"Food Delivery", "food delivery", gTechnology},
	{"Shipbuilding", "shipbuilding", gConstruction},
	{"Rubber Glove Manufacturing", "rubber glove manufacturing", gElectronics},
	{"Sugarcane Farming", "sugarcane farming", gAgriculture},
	{"Tea Estates", "tea estates", gAgriculture},
	{"Meat Processing", "meat processing", gAgriculture},
	{"Cleaning Services", "cleaning services", gDomesticWork},
	{"Footwear Production", "footwear production", gApparel},
	{"Mica Mining", "mica mining", gMining},
	{"Timber and Forestry", "timber and forestry", gAgriculture},
}

// place is a country or region: bare for the start of a title, with its
// article for running text.
type place struct {
	bare, text string
	tag        int
}

var places = []place{
	{"Thailand", "Thailand", gAsiaPacific},
	{"Malaysia", "Malaysia", gAsiaPacific},
	{"Gulf States", "the Gulf States", gMiddleEast},
	{"West Africa", "West Africa", gAfrica},
	{"Southern Europe", "Southern Europe", gEurope},
	{"Central America", "Central America", gLatinAmerica},
	{"Mekong Region", "the Mekong Region", gAsiaPacific},
	{"Bangladesh", "Bangladesh", gSouthAsia},
	{"Brazil", "Brazil", gLatinAmerica},
	{"India", "India", gSouthAsia},
	{"Côte d’Ivoire", "Côte d’Ivoire", gAfrica},
	{"Nepal", "Nepal", gSouthAsia},
	{"Qatar", "Qatar", gMiddleEast},
	{"Italy", "Italy", gEurope},
	{"Spain", "Spain", gEurope},
	{"Mexico", "Mexico", gLatinAmerica},
	{"Indonesia", "Indonesia", gAsiaPacific},
	{"Vietnam", "Vietnam", gAsiaPacific},
	{"Ghana", "Ghana", gAfrica},
	{"Kenya", "Kenya", gAfrica},
	{"Türkiye", "Türkiye", gEurope},
	{"Poland", "Poland", gEurope},
	{"United Kingdom", "the United Kingdom", gEurope},
	{"Peru", "Peru", gLatinAmerica},
	{"Cambodia", "Cambodia", gAsiaPacific},
	{"Jordan", "Jordan", gMiddleEast},
	{"Philippines", "the Philippines", gAsiaPacific},
	{"Pakistan", "Pakistan", gSouthAsia},
	{"Eastern Europe", "Eastern Europe", gEurope},
	{"Southern Africa", "Southern Africa", gAfrica},
	{"United States", "the United States", gNorthAmerica},
	{"Canada", "Canada", gNorthAmerica},
}

// titlePatterns combine kind (K), topic (T), sector (S) and place: P is the
// place with its article, B the bare place, A "A" or "An" before the kind.
var titlePatterns = []string{
	"{T} in {S}: {A} {K} for {P}",
	"{K} on {T} in {S} in {P}",
	"{T} Across {S} in {P}: {K}",
	"{B} {S}: {K} on {T}",
	"{T} and {S} in {P}: {K}",
	"Understanding {T} in {S}: {K} from {P}",
}

// publishers are the bodies named in citation lines; the site's own
// organisation is added with a larger weight.
var publishers = []string{
	"Institute for Migration and Work",
	"Mekong Workers’ Rights Network",
	"Centre for Responsible Capital",
	"Pacific Fisheries Labour Observatory",
	"West Africa Rural Livelihoods Forum",
	"Gulf Labour Standards Council",
	"Digital Rights and Labour Lab",
	"Observatório do Trabalho Rural",
	"Association of Social Compliance Auditors",
	"Ethical Trade Research Unit",
	"Responsible Contracting Working Group",
	"Bridges to Work Foundation",
	"Plantation Workers Research Collective",
	"Hospitality Alliance for Safe Travel",
	"Electronics Workers Watch",
	"Open Supply Chain Initiative",
	"Fibre Traceability Council",
	"Energy Transition Rights Forum",
	"International Labour Inspection Network, Brussels Office",
	"Fair Harvest Partnership",
	"Mica Sourcing Dialogue",
	"Public Buyers for Human Rights",
	"Réseau Européen pour le Travail Équitable",
	"Maritime Labour Welfare Trust",
	"Fair Wage Research Group",
	"Andean Labour Rights Clinic",
	"South Asia Migration Resource Centre",
	"Coalition for Decent Construction",
	"Global Survivors’ Advisory Council",
	"Institute for Human Rights in Business, Nairobi",
	"Supply Chain Transparency Lab",
	"Domestic Workers’ Legal Aid Project",
	"Investor Alliance on Labour Risk",
	"Northern Seas Fishing Crew Welfare Association",
	"Centre for Labour Economics and Policy",
	"Responsible Minerals Working Group",
	"Fundación Trabajo Digno",
	"Council on Ethical Procurement",
	"Asia Garment Workers Forum",
	"Labour Mobility Research Consortium",
}

// audiences, stakeholders and the rest fill the summary sentences.
var audiences = []string{
	"buyers", "suppliers", "investors", "labour inspectors", "recruitment agencies", "trade unions",
	"civil society organisations", "procurement teams", "policy makers", "social auditors",
	"brand sourcing teams", "factory managers", "employers’ associations", "lenders", "compliance officers",
}

var stakeholders = []string{
	"worker organisations", "survivor advocates", "government agencies", "industry associations",
	"independent researchers", "migrant community groups", "labour lawyers", "local NGOs",
}

var numbers = []string{
	"three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "fifteen", "twenty", "thirty",
}

var risks = []string{
	"recruitment fees", "confiscation of identity documents", "unpaid overtime", "deceptive contracts",
	"restrictions on movement", "threats of deportation", "wage deductions", "excessive working hours",
	"unsafe housing", "debt owed to labour brokers", "isolation from family", "withholding of wages",
}

var methods = []string{
	"interviews with more than two hundred workers",
	"a survey of suppliers and labour agents",
	"focus groups with returned migrants",
	"a review of audit reports and grievance records",
	"field visits to farms, factories and dormitories",
	"consultations with trade unions and employers",
	"an analysis of public procurement records",
	"case files from legal aid clinics",
}

var groups = []string{
	"women workers", "undocumented migrants", "young workers", "home-based workers",
	"seasonal harvesters", "agency workers", "indigenous workers", "workers with disabilities",
}

// leakLists are the post-type identifier lists that a misbehaving plugin
// prints into the content of publication pages, one kind per site setup.
var leakLists = [][]string{
	{"post", "page", "attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset",
		"oembed_cache", "user_request", "wp_block", "wp_template", "wp_template_part", "wp_global_styles",
		"wp_navigation", "wp_font_family", "wp_font_face", "acf-taxonomy", "acf-post-type", "acf-field-group",
		"acf-field", "ai1ec_event", "exactmetrics_note"},
	{"post", "page", "attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset",
		"oembed_cache", "user_request", "wp_block", "wp_template", "wp_template_part", "wp_global_styles",
		"wp_navigation", "resource", "acf-field-group", "acf-field", "ai1ec_event", "wpcf7_contact_form",
		"mc4wp-form", "elementor_library", "e-landing-page"},
	{"post", "page", "attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset",
		"oembed_cache", "user_request", "wp_block", "wp_template", "wp_template_part", "wp_global_styles",
		"wp_navigation", "wp_font_family", "wp_font_face", "product", "product_variation", "shop_order",
		"shop_order_refund", "shop_coupon", "acf-field-group", "acf-field", "ai1ec_event", "exactmetrics_note"},
	{"post", "page", "attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset",
		"oembed_cache", "user_request", "wp_block", "resource", "ai1ec_event", "tablepress_table"},
}

// staticPages are the site's ordinary pages, linked from its menus.
var staticPages = []struct{ path, title string }{
	{"/about/", "About the network"},
	{"/about/members/", "Our members"},
	{"/contact/", "Contact"},
	{"/privacy-policy/", "Privacy policy"},
	{"/cookie-policy/", "Cookie policy"},
	{"/newsletter/", "Newsletter"},
}
