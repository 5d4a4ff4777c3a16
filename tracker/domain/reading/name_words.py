"""The word lists that tell a name from other capitalised words: company suffixes, sector
words, stop words (titles, days, places, outlets), and the heads of institutions' names.
Read by :mod:`.names`."""

from __future__ import annotations

ORG_SUFFIXES = frozenset(
    {"inc", "corp", "corporation", "ltd", "llc", "plc", "ag", "gmbh", "sa", "nv", "group", "holdings", "labs"}
    | {"technologies", "company", "co", "partners", "ventures", "capital", "systems", "networks", "ai", "guild"}
    | {"house", "cloud", "semiconductor", "semiconductors", "data", "compute", "computing", "media", "studios"}
    | {"books", "press", "publishing", "publishers", "foundation", "institute", "association", "society", "fund"}
    | {"software", "robotics", "energy", "pharma", "therapeutics", "health", "markets", "office", "authority"}
    | {"commission", "agency", "department", "ministry", "bureau", "university", "college", "records", "games"}
    | {"platforms", "brain", "deepmind", "research", "international", "global", "industries", "motors", "bank"}
    | {"air", "airways", "airlines", "aviation", "rail", "railways", "shipping", "logistics", "telecom", "mobile"}
    | {"communications", "pharmaceuticals", "foods", "brands", "services", "solutions", "enterprises", "resources"}
    | {"investments", "electronics", "entertainment", "chemicals", "steel", "petroleum", "insurance", "bancorp"}
    | {"freight", "cargo", "express", "transport", "ports", "farms", "bakeries", "brewers", "mills", "stores"}
    | {"fc", "rovers", "united", "athletic", "albion", "wanderers", "rangers", "hotspur"}  # football clubs
)
#: Words that say a same-named organisation is in another line of business (or is a place).
SECTOR_WORDS = frozenset(
    {"bank", "banking", "financial", "finance", "insurance", "brewery", "brewing", "football", "club", "fc", "town"}
    | {"village", "county", "council", "hotel", "restaurant", "church", "school", "farm", "pharmacy", "realty"}
    | {"motors", "construction", "airlines", "credit", "union", "bakery", "dental", "clinic", "mining", "oil"}
    | {"municipality", "parish", "province", "district", "river", "lake", "mountain", "vineyard", "winery"}
    | {"hotels", "hotel", "sports", "bistro", "cafe", "pub", "books", "bookshop", "airport", "stadium", "hospital"}
)
STOP = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "in", "on", "at", "by", "for", "to", "of", "and", "or", "but"}
    | {"as", "if", "it", "its", "he", "she", "they", "we", "i", "his", "her", "their", "our", "after", "before"}
    | {"meanwhile", "however", "also", "both", "several", "some", "many", "most", "people", "sources", "talks"}
    | {"shares", "no", "not", "yes", "new", "former", "backdrop", "background", "update", "exclusive", "analysis"}
    | {"breaking", "report", "reports", "opinion", "why", "what", "how", "when", "where", "who", "which", "there"}
    | {"here", "then", "now", "today", "yesterday", "tomorrow", "last", "next", "earlier", "later", "beyond", "under"}
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march"}
    | {"april", "may", "june", "july", "august", "september", "october", "november", "december", "sept"}
    | {"us", "u.s", "uk", "u.k", "eu", "america", "american", "europe", "european", "britain", "british", "china"}
    | {"chinese", "india", "japan", "germany", "france", "canada", "california", "london", "paris", "washington"}
    | {"americans", "europeans", "britons", "californians", "americas"}
    | {"portuguese", "belgian", "polish", "norwegian", "danish", "austrian", "brazilian", "mexican", "russian"}
    | {"ukrainian", "turkish", "greek", "welsh", "english", "czech", "hungarian", "finnish", "argentine", "israeli"}
    | {"finnish", "german", "french", "swedish", "dutch", "italian", "spanish", "japanese", "korean", "indian"}
    | {"canadian", "australian", "irish", "scottish", "swiss", "texan", "ohio", "boston", "county", "state"}
    | {"brussels", "beijing", "tokyo", "berlin", "delaware", "texas", "reuters", "bloomberg", "ft", "axios", "cnbc"}
    | {"ap", "afp", "bbc", "cnn", "techcrunch", "wired", "verge", "according", "said", "says", "ceo", "cto"}
    | {"cfo", "coo", "chief", "executive", "officer", "president", "chairman", "chair", "chairwoman", "founder"}
    | {"co-founder", "cofounder", "spokesperson", "spokesman", "spokeswoman", "representative", "analyst", "mr"}
    | {"mrs", "ms", "dr", "prof", "senator", "sen", "judge", "director", "head", "vice", "researcher", "engineer"}
    | {"representatives", "spokespeople", "officials", "executives", "analysts", "investors", "critics", "lawyers"}
    | {"billionaire", "investor", "chatbot", "start-up", "startup", "company", "deal", "agreement", "lawsuit", "it's"}
)
MULTI_STOP = frozenset(
    {"financial times", "new york times", "wall street journal", "the information", "associated press"}
    | {"bloomberg news", "united states", "united kingdom", "new york", "san francisco", "silicon valley"}
    | {"hong kong", "the verge", "business insider", "washington post", "los angeles", "palo alto"}
)
ALONE = frozenset({"ai", "llm", "gpu", "ipo", "tv", "api", "i", "co"})
OF_HEADS = frozenset(
    {
        "bank",
        "department",
        "university",
        "ministry",
        "office",
        "institute",
        "board",
        "commission",
        "authority",
        "bureau",
        "court",
    }
)
#: The last word of an institution's name that may hold an "and" ("Markets and Competition Commission").
AND_HEADS = frozenset(
    {"commission", "authority", "service", "board", "office", "agency", "bureau", "council", "department"}
    | {"ministry", "tribunal", "institute", "association", "society", "foundation"}
)
#: Words of a place that may stand inside an organisation's name ("Harwell County Pension Fund").
INNER_PLACE = frozenset({"county"})
#: The last word of a venue: a court hears a case, it is not a party to it.
VENUES = frozenset({"court", "courts"})
