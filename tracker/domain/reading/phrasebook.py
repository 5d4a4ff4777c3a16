"""The phrase dictionaries the reader codes events with (PETRARCH's verb dictionaries).

Each kind has *verbal* phrases (a predicate: "signed", "declined to comment")
and *nominal* ones ("talks", "licensing deal"); a few need the next word's
capital and are read in the text as written; every phrase of a kind holds
one of the kind's stems, so a text without them is not scanned for it.
Matching is in :mod:`.phrases`.
"""

from __future__ import annotations

from tracker.domain.vocabulary import Kind

#: kind -> (verbal patterns, nominal patterns); longest alternatives first.
KIND_PATTERNS: dict[Kind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Kind.TALKS_ENDED: (
        (
            r"(?:is|are|was|were)? ?no longer (?:in (?:\w+ )?(?:talks|discussions|negotiations)|negotiating|talking)",
            r"(?:(?:has|have|had) (?:now )?)?(?:ended|ends|end|ending|broke off|breaks off|broken off|called off|calls off"
            r"|abandoned|abandons|terminated|scrapped|suspended|stopped|stops|halted|halts|quit|quits|exited|exits)"
            r" (?:the |their |its |all )?(?:talks|negotiations|discussions|deal talks)",
            r"(?:pulled|pulls|pulling|pull) out of (?:the |its |their )?(?:[\w.-]+ ){0,2}(?:talks|negotiations|bid|deal"
            r"|race|auction|bidding|process)",
            r"(?:withdrew|withdraws|withdrawn|withdrawing) from (?:the |its |their )?(?:[\w.-]+ ){0,2}(?:talks|negotiations"
            r"|race|auction|bidding|process)",
            r"(?:abandoned|abandons|dropped|drops|withdrew|withdraws|withdrawn|ended|ends) (?:its|the|their|a) "
            r"(?:\w+ )?(?:bid|offer|pursuit|approach)",
            r"(?:walked|walks|walking|walk) away(?: from)?",
            r"(?:agreed|agrees|agree) to (?:end|terminate|scrap|call off) (?:the |their |its )?(?:[\w-]+ )?(?:merger |takeover "
            r"|licensing )?(?:deal|agreement|talks|negotiations|partnership)",
            r"(?:walked|walks|walking|walk) out of (?:the |its |their )?(?:[\w-]+ )?(?:talks|negotiations|discussions)",
            r"(?:terminated|terminates|terminate|scrapped|scraps|cancelled|canceled|cancels|ripped up|tore up)"
            r" (?:the |its |their |a )?(?:[\w-]+ )?(?:merger |takeover |licensing |purchase |sale )?(?:deal|agreement)",
            r"(?:called|calls) off (?:the |its |their |a )?(?:\w+ )?(?:talks|deal|negotiations|merger|takeover|bid|acquisition)",
            r"(?:collapsed|broke down|break down|breaks down|have broken down|fell apart|have fallen apart|foundered)",
        ),
        (
            r"(?:talks|negotiations|discussions) (?:have |had )?(?:collapsed|broke down|break down|broken down|ended|fell apart|"
            r"fallen apart|foundered|were called off|have been called off|were abandoned)",
            r"collapse of (?:the )?(?:talks|negotiations)",
            r"(?:have|has|had) (?:now )?(?:ended|collapsed|broken down|fallen apart)",
            r"end of (?:the )?talks",
        ),
    ),
    Kind.NO_AGREEMENT: (
        (
            r"(?:has|have|had) not (?:yet )?(?:reached|struck|signed|agreed)(?: an? (?:agreement|deal))?",
            r"(?:has|have|had)n[’']t (?:yet )?(?:reached|struck|signed|agreed)(?: an? (?:agreement|deal))?",
            r"(?:is|are) yet to (?:agree|reach|sign|strike)",
            r"yet to (?:agree|reach an? (?:agreement|deal)|sign|strike)",
            r"failed (?:again |for (?:a|the) \w+ (?:day|week|time|month)s? (?:running )?)?to (?:agree|reach an? (?:agreement|deal))",
            r"did not (?:agree|reach an? (?:agreement|deal))",
            r"not (?:yet |so far )?(?:produced|yielded|led to|resulted in) (?:a|an|any) (?:deal|agreement)",
            r"failed to (?:produce|yield|lead to|result in) (?:a|an|any) (?:\w+ )?(?:deal|agreement|settlement)",
            r"could not (?:agree|settle on terms|reach an? (?:agreement|deal))",
            r"not agreed",
            r"(?:rejects|rejected|reject|rejecting|turned down|turns down|turn down|spurned|spurns|rebuffed|rebuffs)"
            r" (?:the |an? |its |their |a second |another )?(?:[\w’'$.-]+ ){0,2}(?:improved |revised |sweetened |takeover |"
            r"second |final )?(?:offer|bid|proposal|approach)",
            r"not reached",
            r"(?:have |has |had )?(?:stalled|stall|stalls|faltered|falters|deadlocked|hit an impasse|reached an impasse)",
        ),
        (
            r"no (?:final |formal )?(?:agreement|deal)(?: has been (?:reached|struck|signed))?(?: yet)?",
            r"without (?:a|an) (?:deal|agreement)",
            r"talks (?:have )?stalled",
            r"no decision",
        ),
    ),
    Kind.AGREEMENT_REACHED: (
        (
            r"(?:won|wins|win) (?:the )?(?:auction|bidding|race|contest|battle) (?:for|to buy)",
            r"(?:strikes|struck|strike|signs|signed|sign|seals|sealed|seal|inks|inked|clinches|clinched)"
            r" (?:a |an |the )?(?:[\w-]+ )?(?:licensing |licence |license )?(?:deal|agreement|partnership|pact)",
            r"(?:reached|reach|reaches) (?:a |an )?(?:\S+ )?(?:agreement|deal|settlement)",
            r"(?:settled|settles|settle|approved|approves) (?:the |a |an )?(?:\S+ )?(?:settlement|deal|agreement)",
            r"(?:recommended|recommends) (?:the |an? |its )?(?:[\w’'$.-]+ ){0,2}(?:improved |revised |sweetened |final )?"
            r"(?:offer|bid|proposal)",
            r"(?:agreed|agrees) to (?:pay|settle)",
            r"(?:settled|settles|settle|settling|resolved|resolves|resolve) (?:the |a |an |its |their |his |her )?"
            r"(?:[\w-]+ )?(?:dispute|lawsuit|case|claims?|suit|litigation|row|complaint|charges|allegations)",
            r"agreed to (?:buy|acquire|license|licence|pay|a deal|terms)",
            r"agrees to (?:buy|acquire|license|licence|pay|a deal|terms)",
            r"(?:acquires|acquired|acquire|buys|bought|buy|licenses|licensed|license|licences|licensed)",
            r"(?:agreed|agrees|agree|signed|signs)",
            r"completed the (?:deal|acquisition|purchase)",
            r"(?:merge|merges|merged|combine|combines|combined) with",
            r"(?:take|takes|took|taking) over",
            r"(?:accepts|accepted|accept|accepting) (?:the |an? |its |their )?(?:[\w’'$.-]+ )?(?:improved |revised |"
            r"sweetened |final )?(?:offer|bid|proposal)",
            r"closed the (?:deal|acquisition)",
        ),
        (
            r"(?:licensing |licence |license )?(?:deal|agreement) (?:signed|struck|reached|agreed)",
            r"(?:licensing|licence|license) (?:deal|agreement|arrangement|pact)",
            r"(?:deal|agreement|partnership|pact|acquisition|takeover) (?:with|for|of)",
            r"deal to (?:license|licence|buy|acquire)",
            r"settlement (?:between|with)",
        ),
    ),
    Kind.TALKS_HELD: (
        (
            r"(?:held|holds|holding|hold|had|have|has) (?:\w+ )?(?:\w+ )?(?:talks|discussions|conversations)",
            r"(?:met|meet|meets|meeting) to (?:discuss|negotiate)",
            r"(?:made|makes|make|making) an? (?:\w+ )?approach to",
            r"(?:received|receives|receiving) an? (?:[\w$.,-]+ )?(?:takeover |merger |cash )?(?:approach|offer|bid|proposal)(?= from)",
            r"(?:bids|bid|bidding) for",
            r"(?:makes|made|make|making|tables|tabled|table|launches|launched|launch|submits|submitted) (?:an? |its |a new |"
            r"a second |another )?(?:[\w$.,-]+ )?(?:takeover |cash |merger |all-share )?(?:bid|offer|proposal) for",
            r"(?:agreed|agrees|agree) to (?:meet|talk|resume|continue)",
            r"resum\w+ (?:the )?(?:talks|negotiations|discussions)",
            r"in (?:early |advanced |preliminary |exclusive )?(?:talks|discussions|negotiations)",
            r"negotiat\w+",
            r"(?:discussed|discussing|discusses|explored|exploring|explores|courting|courted|courts|approached)",
            r"(?:is|are|was|were) (?:considering|weighing|mulling|eyeing)",
            r"(?:talking|talked|spoken|spoke|speaking) (?:to|with)",
            r"under discussion",
        ),
        (
            r"(?:partnership |merger |takeover |acquisition |licensing |early |initial )?(?:talks|discussions|conversations)",
        ),
    ),
    Kind.DECLINED_TO_COMMENT: (
        (
            r"(?:declined|declines|decline) (?:to )?(?:comment|say|discuss|elaborate|confirm or deny|respond)",
            r"declined (?:a |repeated |several |multiple )?requests? (?:for|to) comment",
            r"(?:had|has|have|offered) no (?:immediate )?comment",
            r"(?:would|will|did|could) neither confirm nor deny",
            r"(?:refused|refuses|declines) to (?:comment|say|discuss)",
            r"(?:would|will) not (?:comment|say|discuss)",
            r"(?:does|do) not comment on",
            r"(?:wouldn|won)[’']t (?:comment|say)",
        ),
        (r"no comment", r"refusal to comment"),
    ),
    Kind.NO_RESPONSE: (
        (
            r"(?:did|does|has|have) not (?:immediately )?(?:respond|reply|return|answer|responded|replied|returned)",
            r"(?:didn|doesn|hasn|haven)[’']t (?:immediately )?(?:respond|reply|return|answer|responded|replied)",
            r"not immediately respond\w*",
            r"could not (?:immediately )?be reached",
            r"couldn[’']t (?:immediately )?be reached",
            r"(?:was|were) unavailable for comment",
            r"(?:was|were|is|are) not (?:immediately )?available (?:for comment|to comment)",
            r"(?:immediately )?(?:responded|replied)(?= to (?:requests?|calls|messages|emails|questions))",
        ),
        (r"no response",),
    ),
    Kind.DENIED: (
        (
            r"(?:denied|denies|deny|denying|refuted|refutes)",
            r"(?:dismissed|rejected|rejects|dismisses) (?:the )?reports?",
            r"(?:said|says|say) (?:that )?(?:it|they) (?:did|does|do|was|were|is|are|had|has|have) not",
        ),
        (r"(?:is|was) not true",),
    ),
    Kind.CONFIRMED: (
        (r"(?:confirmed|confirms|confirm)", r"said in a statement", r"(?:announced|announces|announce)"),
        (),
    ),
    Kind.REGULATORY_SCRUTINY: (
        (
            r"(?:opened|opens|open|launched|launches|launch) (?:an? |the )?(?:\w+ )?(?:inquiry|investigation|probe|review)",
            r"(?:widens|widened|widening|extends|extended|expands|expanded|closes|closed|closing|keeps|kept)"
            r" (?:its |the |a )?(?:[\w.]+ )?(?:probe|inquiry|investigation|look|examination)",
            r"(?:is |are |was |were )?(?:examining|examines|examined|investigating|investigates|investigated|probing|looking at|looked at|"
            r"probes|probed|scrutinising|scrutinizing|scrutinised|scrutinized|reviewing|reviews|looking into|looked into)",
            r"(?:will|to|would|could|may|must|shall) (?:examine|investigate|review|probe|scrutini[sz]e|look into|assess)",
            r"(?:fined|fines|penalised|penalized|sanctioned|sanctions|censured|censures|reprimanded|reprimands)",
            r"(?:was|were|has been|have been|had been|is|are|been) (?:fined|sanctioned|penalised|penalized|censured"
            r"|reprimanded)",
            r"(?:won|wins|received|receives|secured|secures|got|gets|was given|has been given) (?:regulatory |antitrust "
            r"|unconditional |conditional |final )?(?:approval|clearance)",
            r"(?:was|were|has been|have been|had been|is|are|been) (?:cleared|blocked|waved through)",
            r"(?:cleared|clears|clear|blocked|blocks|block|waved through)(?= (?:the |a |an |its |their )?(?:[\w’'–-]+ )?"
            r"(?:deal|merger|takeover|acquisition|tie-up|purchase|combination|bid|offer))",
            # remedies: what a company gives up to win approval (read as scrutiny only where a regulator is named)
            r"(?:agreed|agrees|agree|offered|offers|offer|promised|promises|pledged|pledges) to (?:sell|divest|give up|"
            r"dispose of|offload|hive off|shed)",
            r"to (?:sell|divest|give up|dispose of|offload|hive off|shed)",
            r"(?:offered|offers|offer|proposed|proposes|submitted|submits) (?:\w+ )?(?:remedies|concessions|commitments|"
            r"undertakings)",
        ),
        (
            r"(?:antitrust |competition |regulatory |federal )?(?:probe|inquiry|investigation|scrutiny)",
            r"antitrust (?:review|concerns?)",
            r"examination of",
            r"(?:invited|invites|inviting|sought|seeks|seeking|gathers|gathered|gathering) (?:comments|views|evidence)",
        ),
    ),
    Kind.LEGAL_ACTION: (
        (
            r"(?:sued|sues|sue|suing|countersued|countersues|countersue|counter-sued)",
            r"(?:appealed|appeals|filed an appeal against|lodged an appeal against) (?:the |a )?(?:ruling|verdict|judgment|decision)",
            r"(?:lost|loses|won|wins) (?:its |their |his |her |an |the )?appeal",
            r"filed (?:a )?(?:suit|lawsuit|complaint)",
            r"took legal action",
            r"(?:is|was) taking legal action",
        ),
        (
            r"(?:copyright )?(?:lawsuits?|legal action|legal challenge|court filing|litigation|class action|injunction)",
            r"copyright (?:case|claims?|suit)",
            r"(?:judge|court|jury) (?:rules?|ruled|blocked|blocks|ordered|orders|dismissed|threw out|found|finds|sided with)",
            r"(?:case|claims?|suit) against",
            r"[’']s (?:copyright )?(?:case|lawsuit|suit|claims?|legal challenge)",
        ),
    ),
    Kind.PERSONNEL: (
        (
            r"(?:hired|hires|hire|hiring|rejoins|rejoined|rejoin|rejoining|joins|joined|join|joining|appointed|appoints|appoint|"
            r"poached|poaches|poach|taps|tapped|promoted|promotes|returns to|returned to|returning to)",
            r"(?:steps|stepped|stepping|step) down",
            r"(?:will |to )(?:help )?lead",
            r"(?:will |to )run (?:the |its )?(?:company|firm|group|business|department) as",
            r"(?:has been |have been |was |were |is being )?(?:placed|put|sent) on (?:paid |unpaid |administrative |"
            r"gardening )?leave",
            r"(?:becomes|became|will become|is named|was named|named|names|name|appointed|appoints)"
            r" (?:as )?(?:its |the |an? )?(?:new |interim |acting )?(?:chief|head|president|ceo|cto|chair)\w*",
            r"(?:resigns|resigned|resign|resigning)",
            r"(?:fired|fires|sacked|sacks|ousted|ousts)",
            r"(?:was|were|has been|have been|had been) (?:fired|sacked|ousted|dismissed|removed)",
            r"(?:has been |have been |was |were |will be |is being )?(?:replaced|succeeded) by",
            r"(?:is|was|are|were) no longer (?:the |its |their )?(?:chair\w*|chief executive|ceo|president|head|director"
            r"|managing director|manager|coach)",
        ),
        (r"acqui-?hire", r"departure"),
    ),
}


#: Phrases that need the next word's capital ("court Character.AI", "named Lena Okoye"): read in the text as written.
CASED: dict[Kind, tuple[str, ...]] = {
    Kind.TALKS_HELD: (
        r"(?:courts|court|eye|eyes|eyeing)(?=\s+(?-i:[A-Z])|\s+[a-z]{1,2}(?-i:[A-Z]))",
        r"(?<!the )(?<!an )(?<!a )(?<!its )(?<!this )(?<!their )(?:approaches|approach|approaching)(?=\s+(?-i:[A-Z]))",
        r"approach(?:es)? to(?=\s+(?-i:[A-Z]))",
    ),
    Kind.PERSONNEL: (
        r"(?:named|names)(?=\s+(?-i:[A-Z]))",
        r"(?:replacing|replaces|succeeding|succeeds)(?=\s+(?-i:[A-Z]))",
        r"(?:left|leaves|leave|leaving|quit|quits|departed|departs)(?=\s+(?-i:[A-Z])|\s+the (?:company|firm|start-?up|group"
        r"|airline|carrier|bank|business|lab|studio|publisher|insurer|retailer|maker))",
    ),
}


#: Per kind, the stems one of which each of its cased phrases holds (in an ASCII text: the gate of a case-blind match).
CASED_STEMS: dict[Kind, tuple[str, ...]] = {
    Kind.TALKS_HELD: ("court", "eye", "approach"),
    Kind.PERSONNEL: ("name", "replac", "succeed", "left", "leav", "quit", "depart"),
}


#: Per kind, substrings one of which each of its phrases holds: a kind none of whose stems
#: occur is not scanned (substring tests cost a fraction of a regular expression's scan).
STEMS: dict[Kind, tuple[str, ...]] = {
    kind: tuple(stems.split())
    for kind, stems in {
        Kind.TALKS_ENDED: "longer end broke break cancel rip tore finish drop withdr call abandon terminat scrap suspend stop halt pull walk quit exit collaps fell fallen founder",
        Kind.NO_AGREEMENT: "not n't n’t yet fail no without stall falter deadlock impasse decision reject turn spurn rebuff",
        Kind.AGREEMENT_REACHED: "strik struck sign seal ink clinch reach agree acqui buy bought licen complet clos deal pact partnership takeover settl resol approv merg combin take took accept won win recommend",
        Kind.TALKS_HELD: "receiv talk discuss convers negotiat explor court approach consider weigh mull eye spok speak met meet resum agree bid offer propos",
        Kind.DECLINED_TO_COMMENT: "declin refus comment say discuss neither",
        Kind.NO_RESPONSE: "respon repl return answer reach unavailable available",
        Kind.DENIED: "den refut dismiss reject true said say",
        Kind.CONFIRMED: "confirm statement announc",
        Kind.REGULATORY_SCRUTINY: "approval clearance fine penal sanction censur reprimand open launch examin investig prob scrutin review look inquir antitrust invit sought seek gather assess clear block waved sell divest give dispos offload hive shed remed concess commit undertak",
        Kind.LEGAL_ACTION: "sue suing suit legal court litig action case claim judge complain injunction appeal jury",
        Kind.PERSONNEL: "hir join appoint poach tap promot return step resign lead run leave fire sack oust dismiss remov becom became name acqui departure longer replaced succeeded",
    }.items()
}
