using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Leadline.Duplicates;

public sealed record DuplicateCheckRequest(
    string? Name, string? Company, string? Email, string? Phone, string? Mobile, string? Website, DateOnly? DateOfBirth, AddressInput? Address, int? ExcludeId);

/// <summary>A match of the check: <see cref="Fields"/> the fields that agreed, <see cref="Matched"/> how (in words), <see cref="Reason"/> one line for people.</summary>
public sealed record DuplicateMatchResponse(int LeadId, string Level, double Score, IReadOnlyList<string> Fields, string Name, string? Company, string? OwnerName,
    IReadOnlyList<string> Matched, string Reason);

/// <summary>
/// The real-time duplicate check (lead form, API, new leads): candidates come from the match-key index, a capped
/// seek per key, never a scan; <see cref="DuplicateScorer"/> decides exact / similar with the fields that matched.
/// </summary>
public sealed class DuplicateFinder(LeadlineDb db, LeadService leads, IMemoryCache cache)
{
    /// <summary>A key shared by more leads than this (a switchboard number, a very common name) adds no candidates.</summary>
    public const int MaxPerKey = 200;

    /// <summary>Value frequencies are judged against at least this many leads (see <see cref="SweepOptions.MinPopulation"/>).</summary>
    public const int MinPopulation = 10_000;

    public async Task<List<DuplicateMatchResponse>> CheckAsync(DuplicateCheckRequest request, CancellationToken ct)
    {
        var defaultCountry = await DefaultCountryAsync(ct);
        var typed = NormalizedRecord.From(new MatchRecord
        {
            Id = request.ExcludeId ?? -1, Name = request.Name, Company = request.Company, Email = request.Email, Phone = request.Phone,
            Mobile = request.Mobile, Website = request.Website, Street = request.Address?.Street, City = request.Address?.City,
            State = request.Address?.State, PostalCode = request.Address?.PostalCode, DateOfBirth = request.DateOfBirth,
            Country = request.Address?.Country ?? defaultCountry,
        }, defaultCountry);
        var keys = typed.BlockingKeys.Select(LeadMatchKey.Stored).Distinct().ToList();
        if (keys.Count == 0)
            return [];
        var (counts, _, candidates) = await LookUpAsync(keys, ct);
        if (candidates.Count == 0)
            return [];
        var scorer = await ScorerAsync(counts, ct);
        var matches = DuplicateCheck.Find(typed, candidates.Values.Select(c => NormalizedRecord.Compared(LeadMatchKey.ToRecord(c.Lead), defaultCountry)), scorer);
        return matches.Select(m =>
        {
            var (lead, ownerName) = candidates[(int)m.Id];
            var labels = m.Result.Labels;
            return new DuplicateMatchResponse(lead.Id, m.Result.Level == MatchLevel.Exact ? "exact" : "similar", Math.Round(m.Result.Score, 3),
                m.Result.MatchedFields.Distinct().Select(FieldName).ToList(), lead.Name, lead.Company, ownerName, labels, MatchLabels.Reason(labels, lead.Name));
        }).ToList();
    }

    /// <summary>A field's API name ("dateOfBirth").</summary>
    public static string FieldName(MatchField field) => char.ToLowerInvariant(field.ToString()[0]) + field.ToString()[1..];

    /// <summary>
    /// The existing lead each record exactly duplicates (a CSV import batch: the import's <c>onDuplicate</c> policy), by the
    /// same scorer as the check: the records' keys of the families an exact match shares (<see cref="ExactFamilies"/>) are
    /// looked up with their candidates in the check's one query (<see cref="LookUpAsync"/>, capped per key), and each
    /// record gets its best match that can be acted on (<see cref="MatchResult.Automatic"/>) or none. A similar match, or an
    /// exact one through a value other leads share too, is not a duplicate here: an import never drops a row on a guess.
    /// </summary>
    public async Task<Dictionary<long, int>> FindExactAsync(IReadOnlyList<NormalizedRecord> records, string? defaultCountry, CancellationToken ct)
    {
        var found = new Dictionary<long, int>();
        var keys = records.SelectMany(ExactKeys).Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0)
            return found;
        var (counts, pairs, leads) = await LookUpAsync(keys, ct);
        if (leads.Count == 0)
            return found;
        var byKey = pairs.ToLookup(p => p.Key, p => (long)p.LeadId, StringComparer.Ordinal);
        var candidates = leads.ToDictionary(c => (long)c.Key, c => NormalizedRecord.Compared(LeadMatchKey.ToRecord(c.Value.Lead), defaultCountry));
        var scorer = await ScorerAsync(counts, ct);
        foreach (var record in records)
        {
            var mine = ExactKeys(record).SelectMany(k => byKey[k]).Distinct().Where(candidates.ContainsKey).Select(id => candidates[id]);
            if (DuplicateCheck.FindAutomatic(record, mine, scorer) is { } best)
                found[record.Id] = (int)best.Id;
        }
        return found;
    }

    /// <summary>
    /// The key families every exact match shares (<see cref="DuplicateScorer"/>: the same e-mail or phone; the website
    /// with the name, through the domain or, when a big company's domain is over <see cref="MaxPerKey"/>, the domain with
    /// the name's sound; the same name with the birthday (name sound + birthday) or the address (house number + street)).
    /// Not the name alone: a common name brings dozens of candidates per row that could only be exact with one of these.
    /// </summary>
    public static readonly string[] ExactFamilies = ["e:", "p:", "w:", "wn:", "nd:", "a:"];

    /// <summary>A record's keys of the <see cref="ExactFamilies"/>, cut to the stored length.</summary>
    public static IEnumerable<string> ExactKeys(NormalizedRecord record) =>
        record.BlockingKeys.Where(k => ExactFamilies.Any(f => k.StartsWith(f, StringComparison.Ordinal))).Select(LeadMatchKey.Stored);

    /// <summary>
    /// How many leads hold each key, the (key, lead) pairs of the keys held by at most <see cref="MaxPerKey"/> leads, and
    /// those leads (not archived) with the columns the scorer reads: one query, a round trip per check being most of its time
    /// at a million leads (keys known to be frequent are not asked again). The key counts come from the covering key index
    /// (grouped), each usable key is joined back to its leads on the same index, each lead on its primary key, and its owner
    /// (<see cref="CompileLookUp"/>).
    /// </summary>
    private async Task<(Dictionary<string, int> Counts, List<(string Key, int LeadId)> Pairs, Dictionary<int, Candidate> Leads)> LookUpAsync(
        List<string> keys, CancellationToken ct)
    {
        var keyCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var pairs = new List<(string Key, int LeadId)>();
        var leads = new Dictionary<int, Candidate>();
        var unknown = new List<string>(keys.Count);
        foreach (var key in keys)
        {
            if (cache.TryGetValue(FrequentKey(key), out int known))
                keyCounts[key] = known;
            else
                unknown.Add(key);
        }
        if (unknown.Count == 0)
            return (keyCounts, pairs, leads);

        var query = db.Database.IsNpgsql() ? LookUpPostgres : LookUpSqlite;
        await foreach (var row in query(db, unknown).WithCancellation(ct))
        {
            if (row.Count > MaxPerKey)   // one row: it joins no leads
                cache.Set(FrequentKey(row.Key), row.Count, FrequentKeyLifetime);
            keyCounts[row.Key] = row.Count;
            if (row.LeadId is { } leadId)
                pairs.Add((row.Key, leadId));
            if (row.Lead is not null)
                leads.TryAdd(row.Lead.Id, new Candidate(row.Lead, row.OwnerName));
        }
        return (keyCounts, pairs, leads);
    }

    /// <summary>
    /// A key over <see cref="MaxPerKey"/> (a common name's sound, a big company, a switchboard number) adds no candidates,
    /// only its count, the scorer's value frequency; counting it walks thousands of index entries, which was the check's
    /// slowest part on PostgreSQL. Such counts move slowly, so they are kept per workspace for ten minutes and the key
    /// is left out of the query; a key that falls back under the cap meanwhile (a mass archive) is looked up again after that.
    /// </summary>
    private static readonly TimeSpan FrequentKeyLifetime = TimeSpan.FromMinutes(10);

    private (string, int, string) FrequentKey(string key) => ("frequent-match-key", db.CurrentWorkspaceId, key);

    /// <summary>The built-in rates against the workspace's lead count, with the looked-up keys' counts as value frequencies.</summary>
    private async Task<DuplicateScorer> ScorerAsync(Dictionary<string, int> counts, CancellationToken ct) =>
        new(MatchStatistics.Default(Math.Max(MinPopulation, await CountAsync(ct)), key => counts.GetValueOrDefault(key, 1)));

    private sealed record Candidate(Lead Lead, string? OwnerName);

    private sealed class KeyRow
    {
        public required string Key { get; init; }
        public int Count { get; init; }
        public int? LeadId { get; init; }
        public Lead? Lead { get; init; }
        public string? OwnerName { get; init; }
    }

    /// <summary>
    /// <see cref="LookUpAsync"/>'s query, compiled once per database kind (a compiled query keeps the SQL of the first
    /// context it ran with): translating the LINQ tree on every call cost about a millisecond, as much as running the
    /// query. The key list goes as one parameter (= ANY on PostgreSQL, json_each on SQLite: see DataFeature), however
    /// many keys an import batch brings.
    /// </summary>
    private static readonly Func<LeadlineDb, List<string>, IAsyncEnumerable<KeyRow>> LookUpPostgres = CompileLookUp(), LookUpSqlite = CompileLookUp();

    private static Func<LeadlineDb, List<string>, IAsyncEnumerable<KeyRow>> CompileLookUp() => EF.CompileAsyncQuery(
        (LeadlineDb db, List<string> unknown) =>
            from c in db.LeadMatchKeys.Where(k => unknown.Contains(k.Key)).GroupBy(k => k.Key).Select(g => new { g.Key, Count = g.Count() })
            // a key over the cap joins nothing: as NULL in the index condition, not a filter after walking its entries
            join k in db.LeadMatchKeys on c.Count <= MaxPerKey ? c.Key : null equals k.Key into held
            from k in held.DefaultIfEmpty()
            join l in db.Leads.Where(l => l.ArchivedAt == null) on (int?)k.LeadId equals l.Id into found
            from l in found.DefaultIfEmpty()
            // a join, not a subquery per candidate: that cost as much as the rest of the query
            join u in db.Users on l.OwnerId equals (int?)u.Id into owners
            from u in owners.DefaultIfEmpty()
            select new KeyRow
            {
                Key = c.Key,
                Count = c.Count,
                LeadId = (int?)k.LeadId,
                // only the columns the scorer reads (a lead row has over fifty), and the owner's name when it is shown
                Lead = l == null ? null : new Lead
                {
                    Id = l.Id, Name = l.Name, Company = l.Company, Email = l.Email, Phone = l.Phone, PhoneE164 = l.PhoneE164, Mobile = l.Mobile,
                    MobileE164 = l.MobileE164, Website = l.Website, Street = l.Street, City = l.City, State = l.State, PostalCode = l.PostalCode,
                    DateOfBirth = l.DateOfBirth, Country = l.Country, OwnerId = l.OwnerId,
                },
                OwnerName = u == null ? null : u.Name,
            });

    /// <summary>
    /// The workspace's default country (phone numbers typed without a country code are read in it), cached for a minute:
    /// the check runs on every pause in typing, and reading the workspace row was one of its round trips.
    /// </summary>
    private Task<string?> DefaultCountryAsync(CancellationToken ct) =>
        cache.GetOrCreateAsync($"default-country:{db.CurrentWorkspaceId}", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
            return (await leads.WorkspaceAsync(ct)).DefaultCountry;
        });

    /// <summary>The workspace's lead count for the scorer's frequencies; a count at a million leads is not free, so it is cached.</summary>
    private Task<int> CountAsync(CancellationToken ct) =>
        cache.GetOrCreateAsync($"lead-count:{db.CurrentWorkspaceId}", entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
            return db.Leads.CountAsync(l => l.ArchivedAt == null, ct);
        })!;
}
