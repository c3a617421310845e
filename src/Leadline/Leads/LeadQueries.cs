using System.Globalization;
using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Common.Time;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>The lead list: filters, sort and keyset paging, shared by the API, the Leads page and CSV export.</summary>
public sealed partial class LeadQueries(LeadlineDb db, CurrentUser me)
{
    /// <summary>Search hits above which a page of a search walks the order's index on SQLite (see <see cref="SqliteSearch"/>).</summary>
    public const int CommonSearchHits = 1000;

    /// <param name="forPage">
    /// The query will be ordered by <see cref="LeadFilter.Sort"/> and cut to a page (<see cref="PageAsync"/>), not counted
    /// or exported: on SQLite a common search text then reads the order's index instead of sorting every hit.
    /// </param>
    public IQueryable<Lead> Filter(LeadFilter f, int currentUserId, WorkspaceClock clock, bool forPage = false)
    {
        // on SQLite most searches are answered by an index source; the rest (and every search on PostgreSQL) by Search below
        var searched = f.Q is { } search ? SqliteSearch(search, forPage ? f.Sort : null) : null;
        var q = (searched ?? db.Leads).AsNoTracking();
        q = f.Archived ? q.Where(l => l.ArchivedAt != null) : q.Where(l => l.ArchivedAt == null);
        // the workspace's archived leads are for roles with LeadsArchived; anyone else finds only their own (to restore them)
        if (f.Archived && !me.Can(Identity.Permission.LeadsArchived)) q = q.Where(l => l.OwnerId == currentUserId);
        if (f.Status is { } status) q = q.Where(l => l.Status == status);
        if (f.StageId is { } stageId) q = q.Where(l => l.StageId == stageId);
        q = f.Owner switch
        {
            null => q,
            "me" => q.Where(l => l.OwnerId == currentUserId),
            "unassigned" => q.Where(l => l.OwnerId == null),
            var id => q.Where(l => l.OwnerId == int.Parse(id, CultureInfo.InvariantCulture)),
        };
        if (f.Hot) q = q.Where(l => l.Score >= LeadFilter.HotScore);
        // written as the condition of the partial index ix_leads_enterprise (migration 0016), which SQLite matches word for word
        if (f.Enterprise) q = q.Where(l => l.CompanySize >= LeadFilter.EnterpriseEmployees || l.AccountType == "enterprise");
        if (f.Primary is { } primary) q = q.Where(l => l.Primary == primary);
        if (f.Created is { } created)
        {
            var since = created switch { "today" => clock.StartOfTodayUtc, "week" => clock.StartOfWeekUtc, _ => clock.StartOfMonthUtc };
            q = q.Where(l => l.CreatedAt >= since);
        }
        if (f.Source is { } source) q = q.Where(l => l.Source == source);
        if (f.Active is { } active) q = q.Where(l => l.Active == active);
        // two constant conditions rather than one parameter: "No info" is then the condition of the partial index
        // ix_leads_no_contact_info (migration 0016), which SQLite matches word for word
        if (f.HasInfo is { } hasInfo) q = hasInfo ? q.Where(l => l.HasContactInfo) : q.Where(l => !l.HasContactInfo);
        if (f.Gender is { } gender) q = q.Where(l => l.Gender == gender);
        if (f.MaritalStatus is { } marital) q = q.Where(l => l.MaritalStatus == marital);
        if (f.AgeMin is { } ageMin)
        {
            var bornOnOrBefore = clock.Today.AddYears(-ageMin);
            q = q.Where(l => l.DateOfBirth <= bornOnOrBefore);
        }
        if (f.AgeMax is { } ageMax)
        {
            var bornAfter = clock.Today.AddYears(-(ageMax + 1));
            q = q.Where(l => l.DateOfBirth > bornAfter);
        }
        if (f.State is { } state) q = q.Where(l => l.State == state);
        if (f.PostalCode is { } postalCode) q = q.Where(l => l.PostalCode == postalCode);
        if (f.AccountType is { } accountType) q = q.Where(l => l.AccountType == accountType);
        if (f.Tag is { } tag) q = q.Where(l => l.Tags.Contains(tag));
        if (f.LifecycleStage is { } lifecycle) q = q.Where(l => l.LifecycleStage == lifecycle);
        if (f.LoyaltyLevel is { } loyalty) q = q.Where(l => l.LoyaltyLevel == loyalty);
        if (f.RelationshipType is { } relationship) q = q.Where(l => l.RelationshipType == relationship);
        if (f.Company is { } company) q = Contains(q, company, l => l.Company);
        if (f.Country is { } country) q = q.Where(l => l.Country == country);
        if (f.City is { } city) q = q.Where(l => l.City == city);
        if (f.FollowUp == "overdue")
        {
            var now = clock.UtcNow;
            q = q.Where(l => l.NextFollowUpAt < now);
        }
        else if (f.FollowUp == "today")
        {
            var start = clock.StartOfTodayUtc;
            var end = clock.StartOfDayUtc(clock.Today.AddDays(1));
            q = q.Where(l => l.NextFollowUpAt >= start && l.NextFollowUpAt < end);
        }
        if (f.WhatsappWindow is { } window)
        {
            // a range on whatsapp_inbound_at (indexed in 0032): open = the customer wrote within the last 24 hours
            var opened = clock.UtcNow - Conversations.WhatsappWindow.Length;
            q = window == "open" ? q.Where(l => l.WhatsappInboundAt > opened) : q.Where(l => l.WhatsappInboundAt == null || l.WhatsappInboundAt <= opened);
        }
        if (f.Sla is { } sla)
        {
            // as the lead shows it: a due time that has passed is breached before the sweeper marks it
            var now = clock.UtcNow;
            q = sla switch
            {
                SlaState.Due => q.Where(l => l.SlaState == SlaState.Due && l.SlaDueAt >= now),
                SlaState.Breached => q.Where(l => l.SlaState == SlaState.Breached || (l.SlaState == SlaState.Due && l.SlaDueAt < now)),
                _ => q.Where(l => l.SlaState == sla),
            };
        }
        if (f.LeadFlow is { } flow) q = q.Where(l => l.LeadFlow == flow);
        if (f.ListId is { } listId) q = q.Where(l => db.MarketingListMembers.Any(m => m.ListId == listId && m.LeadId == l.Id));
        if (f.Q is { } text && searched is null) q = Search(q, text);
        if (f.Custom.Count > 0) q = CustomFields.CustomFieldFilter.Apply(q, db, f.Custom, _customFields ??= [.. db.CustomFields.AsNoTracking()]);
        return q;
    }

    private List<CustomFields.CustomField>? _customFields;

    /// <summary>
    /// <see cref="LeadFilter.Parse"/> and the check of its custom-field filters against the workspace's definitions (an
    /// unknown key or a value the field cannot hold is a field error, 400). Every list read from a URL starts here.
    /// </summary>
    public async Task<(LeadFilter Filter, Errors Errors)> ParseAsync(IQueryCollection query, CancellationToken ct)
    {
        var (filter, errors) = LeadFilter.Parse(query);
        if (filter.Custom.Count > 0)
        {
            _customFields ??= await db.CustomFields.AsNoTracking().ToListAsync(ct);
            CustomFields.CustomFieldFilter.Check(filter.Custom, _customFields, errors);
        }
        return (filter, errors);
    }

}

/// <summary>A count of leads as the pages show it: exact up to <see cref="LeadQueries.TotalCap"/>, "10,000+" above.</summary>
public readonly record struct LeadCount(int Count, bool Capped)
{
    public override string ToString() => Count.ToString("N0", System.Globalization.CultureInfo.CurrentCulture) + (Capped ? "+" : "");

    /// <summary>"1 lead", "12 leads", "10,000+ leads".</summary>
    public string WithNoun() => this + (Count == 1 && !Capped ? " lead" : " leads");
}
