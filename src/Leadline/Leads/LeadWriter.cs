using System.Globalization;
using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Data;
using Leadline.Pipeline;
using Leadline.Workspaces;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>
/// Validates a <see cref="LeadInput"/> and applies the present fields to a lead; the one place lead rules live
/// (API, forms and CSV import all come through here). Nothing is applied when there is any error.
/// </summary>
public sealed partial class LeadWriter(LeadlineDb db, TimeProvider clock)
{
    public const int MaxTags = 30;

    public Task<Errors> ApplyAsync(Lead lead, LeadInput input, IReadOnlySet<string> present, Workspace workspace, CancellationToken ct) =>
        ApplyAsync(lead, input, present, workspace, null, ct);

    /// <summary>As above, answering the rules' look-ups from <paramref name="lookups"/> (many writes in a row: the CSV import).</summary>
    public Task<Errors> ApplyAsync(Lead lead, LeadInput input, IReadOnlySet<string> present, Workspace workspace, LeadWriteLookups? lookups, CancellationToken ct) =>
        ApplyAsync(lead, input, present, workspace, lookups, appendOnStageChange: true, ct);

    /// <summary>
    /// As above; <paramref name="appendOnStageChange"/> false leaves the position to the caller when the stage changes (the
    /// board's move places the lead itself, so looking up the new column's end would be a wasted round trip).
    /// </summary>
    public async Task<Errors> ApplyAsync(
        Lead lead, LeadInput input, IReadOnlySet<string> present, Workspace workspace, LeadWriteLookups? lookups, bool appendOnStageChange, CancellationToken ct) =>
        await ApplyAsync(lead, input, present, workspace, lookups, appendOnStageChange, requireCustomFields: true, ct);

    /// <summary>
    /// As above; <paramref name="requireCustomFields"/> false lets a new lead without the workspace's required custom fields
    /// through when it gives none (a lead arriving on a channel: nobody asked the customer; the team fills them in).
    /// </summary>
    public async Task<Errors> ApplyAsync(
        Lead lead, LeadInput input, IReadOnlySet<string> present, Workspace workspace, LeadWriteLookups? lookups, bool appendOnStageChange,
        bool requireCustomFields, CancellationToken ct)
    {
        var errors = new Errors();
        var isNew = lead.Id == 0;
        bool Has(string path) => present.Contains(path) || (path.Contains('.', StringComparison.Ordinal) && present.Contains(path[..path.IndexOf('.', StringComparison.Ordinal)] + ".*"));
        var changes = new List<Action>();

        string? Text(string path, string? value, int max, string label)
        {
            var trimmed = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
            if (trimmed is { Length: var n } && n > max)
                errors.Add(path, $"{label} must be at most {max} characters.");
            errors.CheckPlainText(path, trimmed, label);
            return trimmed;
        }

        string? FieldText<TValue>(LeadField<TValue, string?> field, string? value) => Text(field.Name, value, field.MaxLength!.Value, field.ErrorLabel);

        void SetText(string path, string? value, int max, string label, Action<string?> set)
        {
            if (!Has(path))
                return;
            var v = Text(path, value, max, label);
            changes.Add(() => set(v));
        }

        if (isNew || Has("name"))
        {
            var name = FieldText(LeadFields.Name, input.Name);
            if (name is null)
                errors.Add("name", "Name is required.");
            else
                changes.Add(() => lead.Name = name);
        }
        // the catalog's free-text fields of the lead itself (address and social below); choices are kept lower-cased
        foreach (var field in LeadFields.PlainTexts.Where(f => f.Group is null))
        {
            var lower = field.Kind == LeadFieldKind.Choice;
            SetText(field.Name, field.GetInput!(input), field.MaxLength!.Value, field.ErrorLabel, v => field.Set!(lead, lower ? v?.ToLowerInvariant() : v));
        }

        if (Has("email"))
        {
            var email = FieldText(LeadFields.Email, input.Email);
            if (email is not null && !EmailAddresses.IsValid(email))
                errors.Add("email", "Enter a valid e-mail address, such as name@example.com.");
            changes.Add(() => lead.Email = email);
        }
        foreach (var (field, set) in new (LeadField<string?, string?>, Action<PhoneReading?>)[] { (LeadFields.Phone, lead.SetPhone), (LeadFields.Mobile, lead.SetMobile) })
        {
            if (!Has(field.Name))
                continue;
            // a number that is not a full number (no area or country code) is kept as typed, unverified: the lead is not lost
            var reading = PhoneNumbers.Read(FieldText(field, field.GetInput!(input)), workspace.DefaultCountry);
            if (reading is { IsNumber: false })
                errors.Add(field.Name, $"{field.ErrorLabel} is not a phone number: type its digits, such as +44 20 7946 0958 or a {workspace.DefaultCountry} number.");
            changes.Add(() => set(reading));
        }
        if (Has("website"))
        {
            var website = FieldText(LeadFields.Website, input.Website);
            if (website is not null && Websites.Domain(website) is null)
                errors.Add("website", "Enter a web address such as example.com or https://example.com.");
            changes.Add(() => lead.Website = website);
        }
        if (Has("source") || isNew)
        {
            var source = LeadSource.Other;
            if (input.Source is { } text && !string.IsNullOrWhiteSpace(text)
                && (!Enum.TryParse(text.Trim(), ignoreCase: true, out source) || text.Trim().All(char.IsAsciiDigit)))
                errors.Add("source", $"Unknown source '{text}'. Use one of: {string.Join(", ", Enum.GetNames<LeadSource>().Select(Camel))}.");
            var chosen = source;
            if (Has("source"))
                changes.Add(() => lead.Source = chosen);
        }
        if (Has("score"))
        {
            if (input.Score is < 0 or > 100)
                errors.Add("score", "Score must be between 0 and 100.");
            var score = input.Score ?? 0;
            changes.Add(() => lead.Score = score);
        }
        if (Has("companySize"))
        {
            if (input.CompanySize is < 0 or > 10_000_000)
                errors.Add("companySize", "Company size must be a number of employees between 0 and 10,000,000.");
            var size = input.CompanySize;
            changes.Add(() => lead.CompanySize = size);
        }
        if (Has("active"))
        {
            var active = input.Active ?? true;
            changes.Add(() => lead.Active = active);
        }
        if (Has("primary"))
        {
            var primary = input.Primary ?? false;
            changes.Add(() => lead.Primary = primary);
        }
        if (Has("tags"))
        {
            var tags = NormaliseTags(input.Tags, errors);
            changes.Add(() => lead.Tags = tags);
        }
        if (Has("dateOfBirth"))
        {
            DateOnly? dob = null;
            if (!string.IsNullOrWhiteSpace(input.DateOfBirth))
            {
                if (DateOnly.TryParseExact(input.DateOfBirth.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                    && parsed.Year >= 1900 && parsed <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
                    dob = parsed;
                else
                    errors.Add("dateOfBirth", "Date of birth must be a past date written as YYYY-MM-DD.");
            }
            changes.Add(() => lead.DateOfBirth = dob);
        }
        if (Has("address"))
        {
            var a = input.Address ?? new AddressInput();
            var whole = present.Contains("address") && !present.Any(p => p.StartsWith("address.", StringComparison.Ordinal));
            bool AddressHas(string field) => whole || Has("address." + field);
            foreach (var field in LeadFields.PlainTextsIn("address").Where(f => AddressHas(f.Key)))
            {
                var v = FieldText(field, field.GetInput!(input));
                changes.Add(() => field.Set!(lead, v));
            }
            if (AddressHas("country"))
            {
                var country = FieldText(LeadFields.Country, a.Country)?.ToUpperInvariant();
                if (country is not null && !Countries.IsKnown(country))
                    errors.Add("address.country", "Country must be a two-letter ISO code such as DE or US.");
                changes.Add(() => lead.Country = country);
            }
        }
        if (Has("social"))
        {
            var whole = present.Contains("social") && !present.Any(p => p.StartsWith("social.", StringComparison.Ordinal));
            bool SocialHas(string field) => whole || Has("social." + field);
            foreach (var field in LeadFields.PlainTextsIn("social").Where(f => SocialHas(f.Key)))
            {
                var v = FieldText(field, field.GetInput!(input));
                changes.Add(() => field.Set!(lead, v));
            }
        }
        if (Has("customFields") || isNew)
        {
            // validated and normalised against the workspace's definitions; a new lead needs its required fields even unnamed
            var fields = lookups?.CustomFields ?? await db.CustomFields.AsNoTracking().OrderBy(f => f.Order).ThenBy(f => f.Id).ToListAsync(ct);
            if (Has("customFields") || (requireCustomFields && fields.Any(f => f.Required)))
            {
                var given = Has("customFields");
                var json = CustomFields.CustomFieldValues.Apply(lead.CustomFields, given ? input.CustomFields : null, given && input.CustomFields is null, fields, isNew, errors);
                if (json is { Length: > 10_000 })
                    errors.Add("customFields", "Custom fields must be at most 10,000 characters of JSON.");
                if (given)
                    changes.Add(() => lead.CustomFields = json);
            }
        }
        if (Has("code"))
        {
            var code = FieldText(LeadFields.Code, input.Code);
            // only a code validation accepted is looked up (PostgreSQL cannot even take a NUL as a parameter)
            if (code is not null && errors.For("code").Count == 0 && await CodeTakenAsync(code, lead.Id, lookups, ct))
                errors.Add("code", $"The code {code} is already used by another lead.");
            changes.Add(() => lead.Code = code);
        }
        if (Has("ownerId"))
        {
            var ownerId = input.OwnerId;
            if (ownerId is { } id && !(lookups?.ActiveUsers.Contains(id) ?? await db.Users.AnyAsync(u => u.Id == id && u.IsActive, ct)))
                errors.Add("ownerId", "Unknown owner: choose an active user of this workspace.");
            changes.Add(() => lead.OwnerId = ownerId);
        }

        Stage? stage = null;
        if (Has("stageId") && input.StageId is { } stageId)
        {
            stage = lookups is not null
                ? lookups.Stages.GetValueOrDefault(stageId)
                : await db.Stages.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stageId, ct);
            if (stage is null)
                errors.Add("stageId", "Unknown stage.");
        }
        else if (Has("stageId"))
        {
            errors.Add("stageId", "A lead always has a stage.");
        }
        else if (isNew)
        {
            stage = lookups is not null ? lookups.DefaultStage : await DefaultStageAsync(ct);
        }
        if (stage is not null && stage.Id != lead.StageId)
        {
            var reason = Has("lostReason") ? Text("lostReason", input.LostReason, 300, "Lost reason") : lead.LostReason;
            if (LostReasonMissing(stage, reason))
                errors.Add("lostReason", LostReasonRequired);
            var position = appendOnStageChange ? await NextPositionAsync(stage.Id, lookups, ct) : lead.Position;
            var target = stage;
            changes.Add(() => lead.MoveTo(target, position, clock.GetUtcNow().UtcDateTime));
        }

        if (errors.Any)
            return errors;
        foreach (var change in changes)
            change();
        lead.EmailNormalized = lead.Email?.Trim().ToLowerInvariant();
        lead.HasContactInfo = lead.Email is not null || lead.Phone is not null || lead.Mobile is not null || lead.Website is not null
            || lead.Linkedin is not null || lead.Twitter is not null || lead.Facebook is not null || lead.Instagram is not null;
        return errors;
    }

    private const string LostReasonRequired = "Say why the lead was lost to move it to a Lost stage.";

    private static bool LostReasonMissing(Stage stage, string? reason) => stage.Category == StageCategory.Lost && reason is null;

    private static List<string> NormaliseTags(List<string>? tags, Errors errors)
    {
        var result = new List<string>();
        foreach (var tag in tags ?? [])
        {
            var t = string.Join(' ', (tag ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToLowerInvariant();
            if (t.Length == 0)
                continue;
            errors.CheckPlainText("tags", t, "A tag");
            if (t.Length > 50)
                errors.Add("tags", $"Tag '{t[..20]}…' is longer than 50 characters.");
            else if (!result.Contains(t))
                result.Add(t);
        }
        if (result.Count > MaxTags)
            errors.Add("tags", $"A lead can have at most {MaxTags} tags.");
        return result;
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
