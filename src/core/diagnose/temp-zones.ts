/** TEMPORARY: names from the reference until the project catalogue lands on main. */
export const TEMP_ZONES = [
{
"zone": "zen.spamhaus.org",
"name": "Spamhaus ZEN (SBL+CSS+XBL+PBL combined)",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://check.spamhaus.org/ (SBL/XBL self-service; PBL via ISP or PBL removal form)",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "sbl.spamhaus.org",
"name": "Spamhaus SBL (incl. CSS, DROP)",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://check.spamhaus.org/",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "xbl.spamhaus.org",
"name": "Spamhaus XBL (exploits; includes former CBL)",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://check.spamhaus.org/ (self-removal; re-lists if host still infected)",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "pbl.spamhaus.org",
"name": "Spamhaus PBL (policy: end-user/dynamic ranges)",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "policy",
"removalUrl": "https://check.spamhaus.org/ (PBL self-removal for a static mail-server IP, or ask the ISP for .10 ISP-maintained entries)",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "sbl-xbl.spamhaus.org",
"name": "Spamhaus SBL+XBL (legacy combined zone)",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://check.spamhaus.org/",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "dbl.spamhaus.org",
"name": "Spamhaus DBL (Domain Block List)",
"kinds": [
"domain"
],
"listType": "block",
"removalUrl": "https://check.spamhaus.org/",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "<key>.zen.dq.spamhaus.net",
"name": "Spamhaus ZEN via DQS (Data Query Service, key-based)",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://check.spamhaus.org/",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "<key>.dbl.dq.spamhaus.net",
"name": "Spamhaus DBL via DQS",
"kinds": [
"domain"
],
"listType": "block",
"removalUrl": "https://check.spamhaus.org/",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "<key>.zrd.dq.spamhaus.net",
"name": "Spamhaus ZRD (Zero Reputation Domains, DQS only)",
"kinds": [
"domain"
],
"listType": "reputation",
"removalUrl": "n/a (entries age out after 24h)",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "<key>.authbl.dq.spamhaus.net",
"name": "Spamhaus AuthBL (DQS only)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://check.spamhaus.org/",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "cbl.abuseat.org",
"name": "CBL (Composite Blocking List) - legacy name, now served by Spamhaus XBL infrastructure",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://check.spamhaus.org/",
"lookupUrl": "https://check.spamhaus.org/",
"defunct": false
},
{
"zone": "bl.spamcop.net",
"name": "SpamCop Blocking List (SCBL)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://www.spamcop.net/bl.shtml?<ip> (listings are time-based and expire automatically once reports stop)",
"lookupUrl": "https://www.spamcop.net/bl.shtml?<ip>",
"defunct": false
},
{
"zone": "b.barracudacentral.org",
"name": "Barracuda Reputation Block List (BRBL)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://www.barracudacentral.org/rbl/removal-request (manual form; usually handled within ~24h)",
"lookupUrl": "https://www.barracudacentral.org/lookups",
"defunct": false
},
{
"zone": "psbl.surriel.com",
"name": "PSBL - Passive Spam Block List",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://psbl.org/listing?ip=<ip> (anyone can self-remove)",
"lookupUrl": "https://psbl.org/listing?ip=<ip>",
"defunct": false
},
{
"zone": "bl.mailspike.net",
"name": "Mailspike BL (Z list + reputation L3-L5 combined)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://mailspike.io/ip_verify (self-service; processed in hours)",
"lookupUrl": "https://mailspike.io/ip_verify",
"defunct": false
},
{
"zone": "z.mailspike.net",
"name": "Mailspike Z (zero-hour spam wave participants)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://mailspike.io/ip_verify",
"lookupUrl": "https://mailspike.io/ip_verify",
"defunct": false
},
{
"zone": "rep.mailspike.net",
"name": "Mailspike Reputation (graded, good AND bad)",
"kinds": [
"ipv4"
],
"listType": "reputation",
"removalUrl": "n/a (reputation changes with behaviour)",
"lookupUrl": "https://mailspike.io/ip_verify",
"defunct": false
},
{
"zone": "wl.mailspike.net",
"name": "Mailspike WL (good reputation H2-H5)",
"kinds": [
"ipv4"
],
"listType": "allow",
"removalUrl": "n/a",
"lookupUrl": "https://mailspike.io/ip_verify",
"defunct": false
},
{
"zone": "dnsbl-1.uceprotect.net",
"name": "UCEPROTECT Level 1 (single IPs)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://www.uceprotect.net/en/rblcheck.php?ipr=<ip> (free automatic expiry ~7 days after last spam; paid express delisting offered)",
"lookupUrl": "https://www.uceprotect.net/en/rblcheck.php?ipr=<ip>",
"defunct": false
},
{
"zone": "dnsbl-2.uceprotect.net",
"name": "UCEPROTECT Level 2 (netblocks around L1 offenders)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "n/a for individual IPs (expires when L1 count in the range drops; typically only the upstream provider can act)",
"lookupUrl": "https://www.uceprotect.net/en/rblcheck.php?ipr=<ip>",
"defunct": false
},
{
"zone": "dnsbl-3.uceprotect.net",
"name": "UCEPROTECT Level 3 (whole ASNs)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "n/a (ASN-level; a paid per-IP 'whitelisting' service exists)",
"lookupUrl": "https://www.uceprotect.net/en/rblcheck.php?ipr=<ip>",
"defunct": false
},
{
"zone": "ips.backscatterer.org",
"name": "Backscatterer.org",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "http://www.backscatterer.org/ (expires 4 weeks after last backscatter; paid express removal)",
"lookupUrl": "http://www.backscatterer.org/ (Test/Remove IP)",
"defunct": false
},
{
"zone": "all.spamrats.com",
"name": "SpamRATS RATS-All (combined)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://www.spamrats.com/removal.php (Dyna/NoPtr removal requires fixing rDNS/FCrDNS first)",
"lookupUrl": "https://www.spamrats.com/lookup.php?ip=<ip>",
"defunct": false
},
{
"zone": "dyna.spamrats.com",
"name": "SpamRATS RATS-Dyna",
"kinds": [
"ipv4"
],
"listType": "policy",
"removalUrl": "https://www.spamrats.com/removal.php",
"lookupUrl": "https://www.spamrats.com/lookup.php?ip=<ip>",
"defunct": false
},
{
"zone": "noptr.spamrats.com",
"name": "SpamRATS RATS-NoPtr",
"kinds": [
"ipv4"
],
"listType": "policy",
"removalUrl": "https://www.spamrats.com/removal.php",
"lookupUrl": "https://www.spamrats.com/lookup.php?ip=<ip>",
"defunct": false
},
{
"zone": "spam.spamrats.com",
"name": "SpamRATS RATS-Spam",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://www.spamrats.com/removal.php",
"lookupUrl": "https://www.spamrats.com/lookup.php?ip=<ip>",
"defunct": false
},
{
"zone": "auth.spamrats.com",
"name": "SpamRATS RATS-Auth",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://www.spamrats.com/removal.php",
"lookupUrl": "https://www.spamrats.com/lookup.php?ip=<ip>",
"defunct": false
},
{
"zone": "<key>.combined.mail.abusix.zone",
"name": "Abusix Guardian Mail / Mail Intelligence - Combined (black+exploit+policy)",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://lookup.abusix.com/search?q=<ip> (policy: self-service exception; black: auto-expiry ~5.2 days)",
"lookupUrl": "https://lookup.abusix.com/search?q=<ip>",
"defunct": false
},
{
"zone": "<key>.black.mail.abusix.zone",
"name": "Abusix Spam Blocklist (black)",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://lookup.abusix.com/search?q=<ip> (listing lasts ~5.2 days after last seen)",
"lookupUrl": "https://lookup.abusix.com/search?q=<ip>",
"defunct": false
},
{
"zone": "<key>.exploit.mail.abusix.zone",
"name": "Abusix Exploit list",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://lookup.abusix.com/search?q=<ip>",
"lookupUrl": "https://lookup.abusix.com/search?q=<ip>",
"defunct": false
},
{
"zone": "<key>.dynamic.mail.abusix.zone",
"name": "Abusix Policy (dynamic) list",
"kinds": [
"ipv4"
],
"listType": "policy",
"removalUrl": "https://lookup.abusix.com/search?q=<ip> (anyone can request a semi-permanent exception)",
"lookupUrl": "https://lookup.abusix.com/search?q=<ip>",
"defunct": false
},
{
"zone": "<key>.dblack.mail.abusix.zone",
"name": "Abusix Domain Blocklist (dblack)",
"kinds": [
"domain"
],
"listType": "block",
"removalUrl": "https://lookup.abusix.com/search?q=<domain> (auto-expiry ~5.2 days)",
"lookupUrl": "https://lookup.abusix.com/search?q=<domain>",
"defunct": false
},
{
"zone": "dnsbl.dronebl.org",
"name": "DroneBL",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://dronebl.org/lookup?ip=<ip> (removal request form on lookup page; reviewed by volunteers)",
"lookupUrl": "https://dronebl.org/lookup?ip=<ip>",
"defunct": false
},
{
"zone": "all.s5h.net",
"name": "s5h.net RBL (System 5 Hosting)",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://www.usenix.org.uk/content/rblremove (request FROM the listed IP -> immediate delist; otherwise manual form)",
"lookupUrl": "http://www.s5h.net/rblcheck",
"defunct": false
},
{
"zone": "dnsbl.justspam.org",
"name": "JustSpam",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "http://www.justspam.org/ (free self-service after fixing cause)",
"lookupUrl": "http://www.justspam.org/",
"defunct": false
},
{
"zone": "bl.nordspam.com",
"name": "NordSpam IP blacklist",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "mailto:delist@nordspam.com (manual; listings do not expire automatically)",
"lookupUrl": "https://www.nordspam.com/",
"defunct": false
},
{
"zone": "dbl.nordspam.com",
"name": "NordSpam domain blacklist",
"kinds": [
"domain"
],
"listType": "block",
"removalUrl": "mailto:delist@nordspam.com",
"lookupUrl": "https://www.nordspam.com/",
"defunct": false
},
{
"zone": "(subscriber-specific) ivmSIP",
"name": "Invaluement ivmSIP (sender IP)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "http://dnsbl.invaluement.com/ (lookup & removal utility)",
"lookupUrl": "http://dnsbl.invaluement.com/ (lookup & removal utility)",
"defunct": false
},
{
"zone": "(subscriber-specific) ivmSIP/24",
"name": "Invaluement ivmSIP/24 (sender ranges)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "http://dnsbl.invaluement.com/ (removable if the requester's IPs did not send the spam and are under separate control/WHOIS)",
"lookupUrl": "http://dnsbl.invaluement.com/",
"defunct": false
},
{
"zone": "(subscriber-specific) ivmURI",
"name": "Invaluement ivmURI (URI/domain list)",
"kinds": [
"domain"
],
"listType": "block",
"removalUrl": "http://dnsbl.invaluement.com/",
"lookupUrl": "http://dnsbl.invaluement.com/",
"defunct": false
},
{
"zone": "multi.surbl.org",
"name": "SURBL multi (URI/domain reputation, bitmask)",
"kinds": [
"domain",
"ipv4"
],
"listType": "block",
"removalUrl": "https://surbl.org/ (removal via lookup/analysis pages; clean compromised sites first)",
"lookupUrl": "https://surbl.org/lookupform",
"defunct": false
},
{
"zone": "multi.uribl.com",
"name": "URIBL multi (black/grey/red, bitmask)",
"kinds": [
"domain"
],
"listType": "block",
"removalUrl": "https://admin.uribl.com/ (login required for delist requests)",
"lookupUrl": "https://admin.uribl.com/",
"defunct": false
},
{
"zone": "bl.spameatingmonkey.net",
"name": "Spam Eating Monkey SEM-BLACK",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://spameatingmonkey.com/ (removal page; most entries expire after 7 days inactivity, policy listings excepted)",
"lookupUrl": "https://spameatingmonkey.com/",
"defunct": false
},
{
"zone": "bl.ipv6.spameatingmonkey.net",
"name": "Spam Eating Monkey SEM-IPV6BL",
"kinds": [
"ipv6"
],
"listType": "block",
"removalUrl": "https://spameatingmonkey.com/",
"lookupUrl": "https://spameatingmonkey.com/",
"defunct": false
},
{
"zone": "backscatter.spameatingmonkey.net",
"name": "Spam Eating Monkey SEM-BACKSCATTER",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "n/a (expires after 15 days of inactivity; no manual delist)",
"lookupUrl": "https://spameatingmonkey.com/",
"defunct": false
},
{
"zone": "uribl.spameatingmonkey.net",
"name": "Spam Eating Monkey SEM-URI",
"kinds": [
"domain"
],
"listType": "block",
"removalUrl": "https://spameatingmonkey.com/ (auto-expiry after inactivity)",
"lookupUrl": "https://spameatingmonkey.com/",
"defunct": false
},
{
"zone": "urired.spameatingmonkey.net",
"name": "Spam Eating Monkey SEM-URIRED",
"kinds": [
"domain"
],
"listType": "block",
"removalUrl": "https://spameatingmonkey.com/",
"lookupUrl": "https://spameatingmonkey.com/",
"defunct": false
},
{
"zone": "fresh15.spameatingmonkey.net",
"name": "Spam Eating Monkey SEM-FRESH15 (also fresh/fresh10)",
"kinds": [
"domain"
],
"listType": "reputation",
"removalUrl": "n/a (ages out)",
"lookupUrl": "https://spameatingmonkey.com/",
"defunct": false
},
{
"zone": "bl.0spam.org",
"name": "0Spam primary DNSBL (formerly 0spam.fusionzero.com)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://check.0spam.org/q?ipaddr=<ip> (account required)",
"lookupUrl": "https://check.0spam.org/q?ipaddr=<ip>",
"defunct": false
},
{
"zone": "nbl.0spam.org",
"name": "0Spam Network Black List",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://check.0spam.org/q?ipaddr=<ip>",
"lookupUrl": "https://check.0spam.org/q?ipaddr=<ip>",
"defunct": false
},
{
"zone": "url.0spam.org",
"name": "0Spam URL Black List",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://check.0spam.org/",
"lookupUrl": "https://check.0spam.org/q?ipaddr=<ip>",
"defunct": false
},
{
"zone": "truncate.gbudb.net",
"name": "GBUdb Truncate",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "n/a (fully automatic; listings clear when behaviour stops)",
"lookupUrl": "http://www.gbudb.com/truncate/index.jsp",
"defunct": false
},
{
"zone": "hostkarma.junkemailfilter.com",
"name": "Junk Email Filter Hostkarma (multi-colour reputation)",
"kinds": [
"ipv4",
"domain"
],
"listType": "reputation",
"removalUrl": "https://ipadmin.junkemailfilter.com/remove.php",
"lookupUrl": "https://ipadmin.junkemailfilter.com/remove.php",
"defunct": false
},
{
"zone": "list.dnswl.org",
"name": "DNSWL.org IP allow list",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "allow",
"removalUrl": "n/a (allow list; self-service to add/maintain your own IPs)",
"lookupUrl": "https://www.dnswl.org/ (search)",
"defunct": false
},
{
"zone": "dwl.dnswl.org",
"name": "DNSWL.org domain allow list (DKIM d= domains)",
"kinds": [
"domain"
],
"listType": "allow",
"removalUrl": "n/a",
"lookupUrl": "https://www.dnswl.org/",
"defunct": false
},
{
"zone": "bl.blocklist.de",
"name": "blocklist.de (fail2ban attack reports)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://www.blocklist.de/en/view.html?ip=<ip> (auto-expiry 48h after last report; delist link)",
"lookupUrl": "https://www.blocklist.de/en/view.html?ip=<ip>",
"defunct": false
},
{
"zone": "bip.virusfree.cz",
"name": "VirusFree.cz botnet IP list",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "https://www.virusfree.cz/",
"lookupUrl": "https://www.virusfree.cz/",
"defunct": false
},
{
"zone": "bl.score.senderscore.com",
"name": "Validity SenderScore RPBL (Reputation Block List)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://www.senderscore.org/blocklistlookup/",
"lookupUrl": "https://www.senderscore.org/blocklistlookup/",
"defunct": false
},
{
"zone": "score.senderscore.com",
"name": "Validity SenderScore reputation (score zone)",
"kinds": [
"ipv4"
],
"listType": "reputation",
"removalUrl": "n/a (score)",
"lookupUrl": "https://www.senderscore.org/",
"defunct": false
},
{
"zone": "sa-trusted.bondedsender.org",
"name": "Validity Certification (allow list)",
"kinds": [
"ipv4"
],
"listType": "allow",
"removalUrl": "n/a",
"lookupUrl": "https://www.validity.com/",
"defunct": false
},
{
"zone": "iadb.isipp.com",
"name": "ISIPP IADB (accreditation allow list)",
"kinds": [
"ipv4"
],
"listType": "allow",
"removalUrl": "n/a",
"lookupUrl": "https://www.isipp.com/",
"defunct": false
},
{
"zone": "ubl.unsubscore.com",
"name": "LashBack UBL (unsubscribe-abuse list)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://blacklist.lashback.com/",
"lookupUrl": "https://blacklist.lashback.com/",
"defunct": false
},
{
"zone": "db.wpbl.info",
"name": "WPBL - Weighted Private Block List",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "http://www.wpbl.info/",
"lookupUrl": "http://www.wpbl.info/",
"defunct": false
},
{
"zone": "spamrbl.imp.ch",
"name": "ImproWare IP spam list",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://antispam.imp.ch/",
"lookupUrl": "https://antispam.imp.ch/",
"defunct": false
},
{
"zone": "bl.suomispam.net",
"name": "Suomispam blacklist",
"kinds": [
"ipv4",
"ipv6"
],
"listType": "block",
"removalUrl": "http://suomispam.net/",
"lookupUrl": "http://suomispam.net/",
"defunct": false
},
{
"zone": "rbl.interserver.net",
"name": "InterServer RBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://rbl.interserver.net/",
"lookupUrl": "https://rbl.interserver.net/",
"defunct": false
},
{
"zone": "dnsbl.spfbl.net",
"name": "SPFBL.net DNSBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": "https://spfbl.net/delist/",
"lookupUrl": "https://spfbl.net/delist/",
"defunct": false
},
{
"zone": "dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "spam.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "new.spam.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "recent.spam.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "old.spam.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "dul.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "http.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "socks.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "misc.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "smtp.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "web.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "zombie.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "block.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "escalations.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "problems.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "proxies.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "relays.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "safe.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "l1.spews.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "l2.spews.dnsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "aspews.ext.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "l1-l4.bbfh.ext.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "rhsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "badconf.rhsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "nomail.rhsbl.sorbs.net",
"name": "SORBS (Spam and Open Relay Blocking System)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-06-05"
},
{
"zone": "ix.dnsbl.manitu.net",
"name": "NiX Spam (heise/manitu)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2025-01-16"
},
{
"zone": "dnsbl.ahbl.org",
"name": "AHBL (Abusive Hosts Blocking List)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2014 (closure announced); wildcard from 2015-01-01"
},
{
"zone": "rhsbl.ahbl.org",
"name": "AHBL (Abusive Hosts Blocking List)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2014 (closure announced); wildcard from 2015-01-01"
},
{
"zone": "ircbl.ahbl.org",
"name": "AHBL (Abusive Hosts Blocking List)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2014 (closure announced); wildcard from 2015-01-01"
},
{
"zone": "dnsbl.njabl.org",
"name": "NJABL (Not Just Another Bogus List)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2013-03"
},
{
"zone": "combined.njabl.org",
"name": "NJABL (Not Just Another Bogus List)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2013-03"
},
{
"zone": "bhnc.njabl.org",
"name": "NJABL (Not Just Another Bogus List)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2013-03"
},
{
"zone": "list.dsbl.org",
"name": "DSBL (Distributed Server Boycott List)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2008"
},
{
"zone": "multihop.dsbl.org",
"name": "DSBL (Distributed Server Boycott List)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2008"
},
{
"zone": "unconfirmed.dsbl.org",
"name": "DSBL (Distributed Server Boycott List)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2008"
},
{
"zone": "dsn.rfc-ignorant.org",
"name": "RFC-Ignorant.org",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2012"
},
{
"zone": "postmaster.rfc-ignorant.org",
"name": "RFC-Ignorant.org",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2012"
},
{
"zone": "abuse.rfc-ignorant.org",
"name": "RFC-Ignorant.org",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2012"
},
{
"zone": "whois.rfc-ignorant.org",
"name": "RFC-Ignorant.org",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2012"
},
{
"zone": "bogusmx.rfc-ignorant.org",
"name": "RFC-Ignorant.org",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2012"
},
{
"zone": "bl.spamcannibal.org",
"name": "SpamCannibal",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2018-05 (domain lapsed) / declared dead 2019-05"
},
{
"zone": "bl.emailbasura.org",
"name": "EmailBasura",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2019-10-30"
},
{
"zone": "dnsbl.cyberlogic.net",
"name": "Cyberlogic DNSBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2018-05"
},
{
"zone": "spam.dnsbl.anonmails.de",
"name": "Anonmails DNSBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-11-12"
},
{
"zone": "sbl.spamdown.org",
"name": "Spamdown SBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2026-03"
},
{
"zone": "dnsbl.madavi.de",
"name": "Madavi BL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2025-03"
},
{
"zone": "spam.abuse.ch",
"name": "abuse.ch DNSBLs",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "~2019"
},
{
"zone": "drone.abuse.ch",
"name": "abuse.ch DNSBLs",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "~2019"
},
{
"zone": "combined.abuse.ch",
"name": "abuse.ch DNSBLs",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "~2019"
},
{
"zone": "dnsbl.inps.de",
"name": "inps.de DNSBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2020-05-25"
},
{
"zone": "rbl.megarbl.net",
"name": "MegaRBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2019-11"
},
{
"zone": "dnsbl.anticaptcha.net",
"name": "AntiCaptcha.NET",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2021-07"
},
{
"zone": "dnsbl6.anticaptcha.net",
"name": "AntiCaptcha.NET",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2021-07"
},
{
"zone": "dwl.spamhaus.org",
"name": "Spamhaus DWL/SWL (whitelists)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2018"
},
{
"zone": "swl.spamhaus.org",
"name": "Spamhaus DWL/SWL (whitelists)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2018"
},
{
"zone": "badnets.spameatingmonkey.net",
"name": "SEM-BADNETS",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2010-02-15"
},
{
"zone": "dnsbl.darklist.de",
"name": "assorted dead lists (darklist.de etc.)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "<=2023-04"
},
{
"zone": "list.bbfh.org",
"name": "assorted dead lists (darklist.de etc.)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "<=2023-04"
},
{
"zone": "dul.pacifier.net",
"name": "assorted dead lists (darklist.de etc.)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "<=2023-04"
},
{
"zone": "tr.countries.nerd.dk",
"name": "assorted dead lists (darklist.de etc.)",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "<=2023-04"
},
{
"zone": "bl.fmb.la",
"name": "fmb.la / ZapBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "<=2023-02"
},
{
"zone": "dnsbl.zapbl.net",
"name": "fmb.la / ZapBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "<=2023-02"
},
{
"zone": "rhsbl.zapbl.net",
"name": "fmb.la / ZapBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "<=2023-02"
},
{
"zone": "ohps/omrs/osps/osrs/owfs/owps/probes/rdts/ricn/rmst/t3direct.dnsbl.net.au",
"name": "dnsbl.net.au family",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "<=2022-10"
},
{
"zone": "spamtrap.drbl.drand.net",
"name": "DRBL drand.net",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-03"
},
{
"zone": "rbl.lugh.ch",
"name": "lugh.ch RBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-07"
},
{
"zone": "cidr.bl.mcafee.com",
"name": "McAfee CIDR BL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-11"
},
{
"zone": "query.bondedsender.org",
"name": "Bonded Sender legacy zones",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-08"
},
{
"zone": "plus.bondedsender.org",
"name": "Bonded Sender legacy zones",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2024-08"
},
{
"zone": "relays.bl.kundenserver.de",
"name": "1&1 kundenserver relays BL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2016-03-01"
},
{
"zone": "dul.ru",
"name": "DUL.RU",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2015-05-19"
},
{
"zone": "dynip.rothen.com",
"name": "rothen.com dynamic IP list",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2020-09"
},
{
"zone": "rbl.suresupport.com",
"name": "SureSupport RBL",
"kinds": [
"ipv4"
],
"listType": "block",
"removalUrl": null,
"lookupUrl": null,
"defunct": true,
"defunctSince": "2019-12"
}
] as const;
