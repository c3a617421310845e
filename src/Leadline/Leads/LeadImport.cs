using CsvHelper;
using Leadline.Common;
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
/// </summary>
public sealed class LeadImport(LeadlineDb db, LeadWriter writer, LeadService leads)
{
    private const int BatchSize = 500;

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
        var errors = new List<ImportError>();
        if (!await csv.ReadAsync(ct))
            return new ImportResult(0, 0, 0, [new ImportError(1, "The file is empty: the first row must name the columns.")]);
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetString).ToList();
        var map = MapHeader(header, columnOverrides);
        if (!map.ContainsValue("name"))
            return new ImportResult(0, 0, 0, [new ImportError(1, "No 'name' column: the header row must include name.")]);

        var workspace = await leads.WorkspaceAsync(ct);
        var stages = await db.Stages.AsNoTracking().ToListAsync(ct);
        var owners = await db.Users.AsNoTracking().Where(u => u.IsActive).ToDictionaryAsync(u => u.NormalizedEmail!, u => u.Id, ct);
        var seenEmails = new HashSet<string>();
        var seenPhones = new HashSet<string>();
        var batch = new List<PendingRow>();
        int created = 0, updated = 0, skipped = 0;

        while (await csv.ReadAsync(ct))
        {
            var row = csv.RowNumber;
            var values = map.ToDictionary(kv => kv.Value, kv => kv.Key < csv.FieldCount ? csv.GetString(kv.Key) : "");
            var (input, present, rowError) = ToInput(values, stages, owners);
            if (rowError is not null)
            {
                errors.Add(new ImportError(row, rowError));
                continue;
            }

            var email = input.Email?.Trim().ToLowerInvariant();
            var phone = PhoneNumbers.ToE164(input.Phone, workspace.DefaultCountry) ?? PhoneNumbers.ToE164(input.Mobile, workspace.DefaultCountry);
            Lead? existing = null;
            if (policy != DuplicatePolicy.Create && (email is not null || phone is not null))
            {
                if ((email is not null && seenEmails.Contains(email)) || (phone is not null && seenPhones.Contains(phone)))
                {
                    skipped++;   // the same person twice in one file: the first row wins
                    continue;
                }
                existing = await db.Leads.FirstOrDefaultAsync(l => l.ArchivedAt == null
                    && ((email != null && l.EmailNormalized == email) || (phone != null && (l.PhoneE164 == phone || l.MobileE164 == phone))), ct);
                if (existing is not null && policy == DuplicatePolicy.Skip)
                {
                    skipped++;
                    continue;
                }
            }

            var lead = existing ?? new Lead { Source = LeadSource.Import };
            if (existing is not null && string.IsNullOrWhiteSpace(input.Name))
                present.Remove("name");   // an update without a name in its row keeps the lead's name
            var rowErrors = await writer.ApplyAsync(lead, input, present, workspace, ct);
            if (rowErrors.Any)
            {
                if (existing is not null)
                    await db.Entry(existing).ReloadAsync(ct);
                errors.Add(new ImportError(row, string.Join(" ", rowErrors.ToDictionary().Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}"))));
                continue;
            }
            if (email is not null)
                seenEmails.Add(email);
            if (phone is not null)
                seenPhones.Add(phone);
            if (existing is null)
                db.Leads.Add(lead);
            batch.Add(new PendingRow(row, input, present, existing?.Id));
            if (batch.Count >= BatchSize)
                (created, updated) = Add((created, updated), await FlushAsync(batch, workspace, errors, ct));
        }
        (created, updated) = Add((created, updated), await FlushAsync(batch, workspace, errors, ct));
        return new ImportResult(created, updated, skipped, errors.OrderBy(e => e.Row).ToList());
    }

    private static (int, int) Add((int Created, int Updated) a, (int Created, int Updated) b) => (a.Created + b.Created, a.Updated + b.Updated);

    /// <summary>A validated row waiting for its batch: kept as input, so a refused batch can be replayed row by row.</summary>
    private sealed record PendingRow(long Row, LeadInput Input, HashSet<string> Present, int? ExistingId);

    private async Task<(int Created, int Updated)> FlushAsync(List<PendingRow> batch, Workspaces.Workspace workspace, List<ImportError> errors, CancellationToken ct)
    {
        if (batch.Count == 0)
            return (0, 0);
        try
        {
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            return Count(batch);
        }
        catch (DbUpdateException)
        {
            // the database refused the batch (a code taken meanwhile, say): replay it row by row to name the culprit;
            // each replayed row goes through the writer again, so its history is recorded like any other change
            db.ChangeTracker.Clear();
            var saved = new List<PendingRow>();
            foreach (var item in batch)
            {
                try
                {
                    var lead = item.ExistingId is { } id ? await db.Leads.FirstAsync(l => l.Id == id, ct) : new Lead { Source = LeadSource.Import };
                    var rowErrors = await writer.ApplyAsync(lead, item.Input, item.Present, workspace, ct);
                    if (rowErrors.Any)
                    {
                        errors.Add(new ImportError(item.Row, string.Join(" ", rowErrors.All)));
                        continue;
                    }
                    if (item.ExistingId is null)
                        db.Leads.Add(lead);
                    await db.SaveChangesAsync(ct);
                    saved.Add(item);
                }
                catch (DbUpdateException ex)
                {
                    errors.Add(new ImportError(item.Row, "The database refused this row: " + (ex.InnerException?.Message ?? ex.Message)));
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }
            return Count(saved);
        }
        finally
        {
            db.ChangeTracker.Clear();
            batch.Clear();
        }
    }

    private static (int Created, int Updated) Count(List<PendingRow> rows) =>
        (rows.Count(r => r.ExistingId is null), rows.Count(r => r.ExistingId is not null));

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
