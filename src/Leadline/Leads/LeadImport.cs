using CsvHelper;
using Leadline.Common;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

public enum DuplicatePolicy
{
    Skip,
    Update,
    Create,
}

public sealed record ImportError(long Row, string Message);

public sealed record ImportResult(int Created, int Updated, int Skipped, IReadOnlyList<ImportError> Errors);

/// <summary>
/// CSV import through the same <see cref="LeadWriter"/> rules as the form and the API. Each row is validated
/// before it joins a batch, so a bad row is reported by number and never half-written; batches commit in
/// their own transaction, and a batch the database refuses is retried row by row so the failing row is named.
/// Duplicates (same e-mail or phone as an existing lead or an earlier row) follow <see cref="DuplicatePolicy"/>.
/// Fast at scale: a batch looks its duplicates and codes up in one query each, the writer answers its other look-ups
/// from memory (<see cref="LeadWriteLookups"/>), and new leads go in through <see cref="LeadBulkWriter"/> with their
/// "created" history rows; updates go through EF, so <see cref="LeadHistoryInterceptor"/> records them field by field.
/// </summary>
public sealed class LeadImport(LeadlineDb db, LeadWriter writer, LeadService leads, CurrentUser user, TimeProvider clock, LeadChangeNotifier notifier)
{
    private const int BatchSize = 2000;

    /// <summary>Maps a file's header to lead columns; unknown headers are ignored (and reported by the UI preview).</summary>
    public static Dictionary<int, string> MapHeader(IReadOnlyList<string> header, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var map = new Dictionary<int, string>();
        for (var i = 0; i < header.Count; i++)
        {
            var column = overrides is not null && overrides.TryGetValue(header[i], out var chosen) ? chosen : LeadCsv.Canonical(header[i]);
            if (!string.IsNullOrEmpty(column) && column is not ("id" or "status" or "createdAt" or "lastActivityAt" or "nextFollowUpAt") && !map.ContainsValue(column))
                map[i] = column;
        }
        return map;
    }

    public async Task<ImportResult> ImportAsync(TextReader text, DuplicatePolicy policy, IReadOnlyDictionary<string, string>? columnOverrides, CancellationToken ct)
    {
        using var csv = CsvReader.Create(text, new CsvReaderOptions { HasHeader = false, TrackLineNumbers = true, TrimWhitespace = true });
        if (!await csv.ReadAsync(ct))
            return new ImportResult(0, 0, 0, [new ImportError(1, "The file is empty: the first row must name the columns.")]);
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetString).ToList();
        var map = MapHeader(header, columnOverrides);
        if (!map.ContainsValue("name"))
            return new ImportResult(0, 0, 0, [new ImportError(1, "No 'name' column: the header row must include name.")]);

        var workspace = await leads.WorkspaceAsync(ct);
        var stages = await db.Stages.AsNoTracking().ToListAsync(ct);
        var owners = await db.Users.AsNoTracking().Where(u => u.IsActive).ToDictionaryAsync(u => u.NormalizedEmail!, u => u.Id, ct);
        var run = new Run(policy, workspace, await writer.LookupsAsync(ct));
        var rows = new List<ParsedRow>(BatchSize);

        await using (var bulk = await LeadBulkWriter.OpenAsync(db, refreshStatistics: false, ct))
        {
            while (await csv.ReadAsync(ct))
            {
                var values = map.ToDictionary(kv => kv.Value, kv => kv.Key < csv.FieldCount ? csv.GetString(kv.Key) : "");
                var (input, present, rowError) = ToInput(values, stages, owners);
                if (rowError is not null)
                {
                    run.Errors.Add(new ImportError(csv.RowNumber, rowError));
                    continue;
                }
                rows.Add(new ParsedRow(csv.RowNumber, input, present));
                if (rows.Count >= BatchSize)
                    await ImportBatchAsync(rows, run, bulk, ct);
            }
            await ImportBatchAsync(rows, run, bulk, ct);
        }
        return new ImportResult(run.Created, run.Updated, run.Skipped, run.Errors.OrderBy(e => e.Row).ToList());
    }

    /// <summary>One import's state across its batches: counts, errors, and the keys of the rows already taken from the file.</summary>
    private sealed class Run(DuplicatePolicy policy, Workspaces.Workspace workspace, LeadWriteLookups lookups)
    {
        public DuplicatePolicy Policy { get; } = policy;

        public Workspaces.Workspace Workspace { get; } = workspace;

        public LeadWriteLookups Lookups { get; } = lookups;

        public HashSet<string> SeenEmails { get; } = [];

        public HashSet<string> SeenPhones { get; } = [];

        public List<ImportError> Errors { get; } = [];

        public int Created { get; set; }

        public int Updated { get; set; }

        public int Skipped { get; set; }
    }

    private sealed record ParsedRow(long Row, LeadInput Input, HashSet<string> Present)
    {
        public string? Email { get; init; }

        public string? Phone { get; init; }
    }

    /// <summary>A validated row waiting for its batch: kept as input, so a refused batch can be replayed row by row.</summary>
    private sealed record PendingRow(long Row, LeadInput Input, HashSet<string> Present, int? ExistingId, Lead Lead);

    private async Task ImportBatchAsync(List<ParsedRow> parsed, Run run, LeadBulkWriter bulk, CancellationToken ct)
    {
        if (parsed.Count == 0)
            return;
        var country = run.Workspace.DefaultCountry;
        var rows = parsed.Select(p => p with
        {
            Email = p.Input.Email?.Trim().ToLowerInvariant(),
            Phone = PhoneNumbers.ToE164(p.Input.Phone, country) ?? PhoneNumbers.ToE164(p.Input.Mobile, country),
        }).ToList();
        parsed.Clear();
        var existing = run.Policy == DuplicatePolicy.Create ? null : await ExistingAsync(rows, run.Policy == DuplicatePolicy.Update, ct);
        await writer.PrefetchCodesAsync(run.Lookups, rows.Where(r => r.Present.Contains("code") && !string.IsNullOrWhiteSpace(r.Input.Code)).Select(r => r.Input.Code!.Trim()), ct);

        var batch = new List<PendingRow>(rows.Count);
        foreach (var r in rows)
        {
            Lead? match = null;
            if (run.Policy != DuplicatePolicy.Create && (r.Email is not null || r.Phone is not null))
            {
                if ((r.Email is not null && run.SeenEmails.Contains(r.Email)) || (r.Phone is not null && run.SeenPhones.Contains(r.Phone)))
                {
                    run.Skipped++;   // the same person twice in one file: the first row wins
                    continue;
                }
                match = existing!.Find(r.Email, r.Phone);
                if (match is not null && run.Policy == DuplicatePolicy.Skip)
                {
                    run.Skipped++;
                    continue;
                }
            }

            var lead = match ?? new Lead { Source = LeadSource.Import };
            if (match is not null && string.IsNullOrWhiteSpace(r.Input.Name))
                r.Present.Remove("name");   // an update without a name in its row keeps the lead's name
            var rowErrors = await writer.ApplyAsync(lead, r.Input, r.Present, run.Workspace, run.Lookups, ct);
            if (rowErrors.Any)
            {
                run.Errors.Add(new ImportError(r.Row, string.Join(" ", rowErrors.ToDictionary().Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}"))));
                continue;
            }
            if (r.Email is not null)
                run.SeenEmails.Add(r.Email);
            if (r.Phone is not null)
                run.SeenPhones.Add(r.Phone);
            batch.Add(new PendingRow(r.Row, r.Input, r.Present, match?.Id, lead));
        }
        await FlushAsync(batch, run, bulk, ct);
    }

    /// <summary>Live leads with any of the batch's e-mails or phone numbers: one query per key, each on its own index.</summary>
    private async Task<Matches> ExistingAsync(List<ParsedRow> rows, bool track, CancellationToken ct)
    {
        var emails = rows.Where(r => r.Email is not null).Select(r => r.Email!).Distinct().ToList();
        var phones = rows.Where(r => r.Phone is not null).Select(r => r.Phone!).Distinct().ToList();
        var live = track ? db.Leads.Where(l => l.ArchivedAt == null) : db.Leads.AsNoTracking().Where(l => l.ArchivedAt == null);
        var found = new List<Lead>();
        // EF.Parameter: the list as one parameter (json_each on SQLite, = ANY on PostgreSQL) instead of EF 10's default of
        // one parameter per value, which at 2,000 values spent longer binding (SQLite finds each name by a linear search)
        if (emails.Count > 0)
            found.AddRange(await live.Where(l => EF.Parameter(emails).Contains(l.EmailNormalized!)).ToListAsync(ct));
        if (phones.Count > 0)
        {
            found.AddRange(await live.Where(l => EF.Parameter(phones).Contains(l.PhoneE164!)).ToListAsync(ct));
            found.AddRange(await live.Where(l => EF.Parameter(phones).Contains(l.MobileE164!)).ToListAsync(ct));
        }
        return new Matches(found);
    }

    /// <summary>The existing lead a row duplicates: by e-mail first, then phone, then mobile; the oldest when several match.</summary>
    private sealed class Matches
    {
        private readonly Dictionary<string, Lead> _byEmail = [];
        private readonly Dictionary<string, Lead> _byPhone = [];
        private readonly Dictionary<string, Lead> _byMobile = [];

        public Matches(IEnumerable<Lead> leads)
        {
            foreach (var lead in leads.DistinctBy(l => l.Id).OrderBy(l => l.Id))
            {
                if (lead.EmailNormalized is { } email)
                    _byEmail.TryAdd(email, lead);
                if (lead.PhoneE164 is { } phone)
                    _byPhone.TryAdd(phone, lead);
                if (lead.MobileE164 is { } mobile)
                    _byMobile.TryAdd(mobile, lead);
            }
        }

        public Lead? Find(string? email, string? phone) =>
            (email is not null ? _byEmail.GetValueOrDefault(email) : null)
            ?? (phone is not null ? _byPhone.GetValueOrDefault(phone) ?? _byMobile.GetValueOrDefault(phone) : null);
    }

    /// <summary>
    /// New leads through the bulk writer (with their "created" history rows), updates through EF (history per field),
    /// both in one transaction. A batch the database refuses (a code taken meanwhile, say) is replayed row by row to name
    /// the culprit; each replayed row goes through the writer again, so its history is recorded like any other change.
    /// </summary>
    private async Task FlushAsync(List<PendingRow> batch, Run run, LeadBulkWriter bulk, CancellationToken ct)
    {
        if (batch.Count == 0)
            return;
        var added = batch.Where(p => p.ExistingId is null).Select(p => p.Lead).ToList();
        try
        {
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                var (userId, userName) = user.IsAuthenticated ? ((int?)user.Id, user.Name) : (null, "System");
                await bulk.WriteAsync(added, clock.GetUtcNow().UtcDateTime, userId, userName, ct);
                if (added.Count < batch.Count)
                    await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            Count(run, batch);
            foreach (var lead in added.Where(l => l.Code is not null))
                run.Lookups.Taken(lead.Code!, lead.Id);
            if (added.Count > 0)
                await notifier.PublishAsync(run.Workspace.Id, added.Select(l => l.Id), ct);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException)
        {
            db.ChangeTracker.Clear();
            var saved = new List<PendingRow>();
            foreach (var item in batch)
            {
                try
                {
                    var lead = item.ExistingId is { } id ? await db.Leads.FirstAsync(l => l.Id == id, ct) : new Lead { Source = LeadSource.Import };
                    var rowErrors = await writer.ApplyAsync(lead, item.Input, item.Present, run.Workspace, ct);
                    if (rowErrors.Any)
                    {
                        run.Errors.Add(new ImportError(item.Row, string.Join(" ", rowErrors.All)));
                        continue;
                    }
                    if (item.ExistingId is null)
                        db.Leads.Add(lead);
                    await db.SaveChangesAsync(ct);
                    saved.Add(item);
                }
                catch (DbUpdateException rowEx)
                {
                    run.Errors.Add(new ImportError(item.Row, "The database refused this row: " + (rowEx.InnerException?.Message ?? rowEx.Message)));
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }
            Count(run, saved);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private static void Count(Run run, List<PendingRow> rows)
    {
        run.Created += rows.Count(r => r.ExistingId is null);
        run.Updated += rows.Count(r => r.ExistingId is not null);
    }

    private static (LeadInput Input, HashSet<string> Present, string? Error) ToInput(
        Dictionary<string, string> values, List<Pipeline.Stage> stages, Dictionary<string, int> owners)
    {
        var input = new LeadInput();
        var present = new HashSet<string>();
        string? V(string column) => values.TryGetValue(column, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        void Text(string column, Action<string?> set, string? path = null)
        {
            if (!values.ContainsKey(column))
                return;
            set(V(column));
            present.Add(path ?? column);
        }

        Text("name", v => input.Name = v);
        Text("company", v => input.Company = v);
        Text("title", v => input.Title = v);
        Text("email", v => input.Email = v);
        Text("phone", v => input.Phone = v);
        Text("mobile", v => input.Mobile = v);
        Text("website", v => input.Website = v);
        Text("source", v => input.Source = v);
        Text("sourceDetail", v => input.SourceDetail = v);
        Text("lostReason", v => input.LostReason = v);
        Text("lifecycleStage", v => input.LifecycleStage = v);
        Text("code", v => input.Code = v);
        Text("industry", v => input.Industry = v);
        Text("gender", v => input.Gender = v);
        Text("dateOfBirth", v => input.DateOfBirth = v);
        Text("maritalStatus", v => input.MaritalStatus = v);
        Text("accountType", v => input.AccountType = v);
        Text("relationshipType", v => input.RelationshipType = v);
        Text("loyaltyLevel", v => input.LoyaltyLevel = v);
        input.Address = new AddressInput();
        Text("street", v => input.Address.Street = v, "address.street");
        Text("city", v => input.Address.City = v, "address.city");
        Text("state", v => input.Address.State = v, "address.state");
        Text("postalCode", v => input.Address.PostalCode = v, "address.postalCode");
        Text("country", v => input.Address.Country = v, "address.country");
        input.Social = new SocialInput();
        Text("linkedin", v => input.Social.Linkedin = v, "social.linkedin");
        Text("twitter", v => input.Social.Twitter = v, "social.twitter");
        Text("facebook", v => input.Social.Facebook = v, "social.facebook");
        Text("instagram", v => input.Social.Instagram = v, "social.instagram");
        if (present.Any(p => p.StartsWith("address.", StringComparison.Ordinal)))
            present.Add("address");
        if (present.Any(p => p.StartsWith("social.", StringComparison.Ordinal)))
            present.Add("social");

        if (values.ContainsKey("tags"))
        {
            input.Tags = (V("tags") ?? "").Split([';', '|', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            present.Add("tags");
        }
        foreach (var (column, set) in new (string, Action<int?>)[] { ("score", v => input.Score = v), ("companySize", v => input.CompanySize = v) })
        {
            if (V(column) is not { } raw)
                continue;
            if (!int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
                return (input, present, $"{column}: '{raw}' is not a whole number.");
            set(number);
            present.Add(column);
        }
        foreach (var (column, set) in new (string, Action<bool?>)[] { ("active", v => input.Active = v), ("primary", v => input.Primary = v) })
        {
            if (V(column) is not { } raw)
                continue;
            bool? flag = raw.ToLowerInvariant() switch { "true" or "yes" or "1" or "y" => true, "false" or "no" or "0" or "n" => false, _ => null };
            if (flag is null)
                return (input, present, $"{column}: '{raw}' is not yes/no.");
            set(flag);
            present.Add(column);
        }
        if (V("stage") is { } stageName)
        {
            var stage = stages.FirstOrDefault(s => string.Equals(s.Name, stageName, StringComparison.OrdinalIgnoreCase));
            if (stage is null)
                return (input, present, $"stage: no stage is called '{stageName}'.");
            input.StageId = stage.Id;
            present.Add("stageId");
        }
        if (V("owner") is { } ownerEmail)
        {
            if (!owners.TryGetValue(ownerEmail.ToUpperInvariant(), out var ownerId))
                return (input, present, $"owner: no active user has the e-mail '{ownerEmail}'.");
            input.OwnerId = ownerId;
            present.Add("ownerId");
        }
        return (input, present, null);
    }
}
