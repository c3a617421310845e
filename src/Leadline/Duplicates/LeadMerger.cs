using Leadline.Common.Api;
using Leadline.Common.Security;
using Leadline.Data;
using Leadline.Leads;
using Leadline.MarketingLists;
using Leadline.Reminders;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Duplicates;

public sealed record MergeRequest(List<int>? DuplicateIds, Dictionary<string, int>? FieldChoices);

/// <summary>
/// Merges duplicates into one surviving lead: the chosen value per field (applied through <see cref="LeadWriter"/>, so
/// validated, normalised and in the history like any edit), every tag, and everything attached to the duplicates
/// (notes, activities, reminders, list memberships, history) moves to the survivor; the duplicates are archived with a
/// pointer to it. One transaction: a merge happens whole or not at all.
/// </summary>
public sealed class LeadMerger(LeadlineDb db, LeadService leads, LeadWriter writer, ReminderService reminders, TimeProvider time)
{
    public const int MaxDuplicates = 20;

    /// <summary>Fields whose value can come from any of the merged leads (API names; address and social go whole): the catalog's mergeable ones.</summary>
    public static IReadOnlyList<string> Fields => LeadFields.MergeChoices;

    public async Task<Result<Lead>> MergeAsync(int survivorId, MergeRequest request, CancellationToken ct)
    {
        var errors = new Errors();
        var duplicateIds = (request.DuplicateIds ?? []).Distinct().ToList();
        if (duplicateIds.Count == 0)
            errors.Add("duplicateIds", "Name the leads to merge into this one.");
        else if (duplicateIds.Count > MaxDuplicates)
            errors.Add("duplicateIds", $"Merge at most {MaxDuplicates} leads at once.");
        else if (duplicateIds.Contains(survivorId))
            errors.Add("duplicateIds", "A lead cannot be merged into itself.");
        var choices = request.FieldChoices ?? [];
        foreach (var (field, source) in choices)
        {
            if (!Fields.Contains(field))
                errors.Add("fieldChoices", $"'{field}' cannot be chosen; fields are {string.Join(", ", Fields)}.");
            else if (source != survivorId && !duplicateIds.Contains(source))
                errors.Add("fieldChoices", $"The value of '{field}' must come from one of the merged leads.");
        }
        if (errors.Any)   // refused before anything is locked (the list may be long)
            return await db.Leads.AnyAsync(l => l.Id == survivorId && l.ArchivedAt == null, ct) ? Result<Lead>.Invalid(errors) : Result<Lead>.Missing();

        // Two merges of the same leads at once (X into Y and Y into X) touch disjoint rows, so optimistic concurrency lets
        // both through and archives both. The merge's leads are locked first, in id order (no deadlock between two merges),
        // and read only then: the second merge sees what the first did. SQLite's transactions take its write lock at BEGIN.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            var locked = duplicateIds.Append(survivorId).ToList();
            await db.Database.SqlQuery<int>($"""
                SELECT id AS "Value" FROM leads WHERE workspace_id = {db.CurrentWorkspaceId} AND id = ANY({locked}) ORDER BY id FOR UPDATE
                """).ToListAsync(ct);
        }
        var survivor = await db.Leads.FirstOrDefaultAsync(l => l.Id == survivorId, ct);
        if (survivor is null)
            return Result<Lead>.Missing();
        if (survivor.ArchivedAt is not null)
            return Result<Lead>.Conflicting(Gone(survivor));
        var duplicates = await db.Leads.Where(l => duplicateIds.Contains(l.Id)).ToListAsync(ct);
        if (duplicates.Count != duplicateIds.Count)
            return Result<Lead>.Invalid("duplicateIds", "Some of these leads do not exist.");
        if (duplicates.FirstOrDefault(d => d.ArchivedAt is not null) is { } archived)
            return Result<Lead>.Conflicting(Gone(archived));

        // the chosen values as an edit of those fields, applied exactly as an API edit would be
        var all = duplicates.Prepend(survivor).ToList();
        var input = new LeadInput();
        var present = new HashSet<string>();
        foreach (var (choice, source) in choices.Where(c => c.Value != survivorId))
        {
            var from = all.First(l => l.Id == source);
            foreach (var field in LeadFields.All.Where(f => f.Mergeable && f.MergeName == choice))
                field.CopyToInput(from, input);
            present.Add(choice);
        }
        var tags = all.SelectMany(l => l.Tags).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (tags.Count != survivor.Tags.Count)
        {
            input.Tags = tags;
            present.Add(LeadFields.Tags.Name);
        }
        var writeErrors = await writer.ApplyAsync(survivor, input, present, await leads.WorkspaceAsync(ct), ct);
        if (writeErrors.Any)
            return Result<Lead>.Invalid(writeErrors);

        var now = time.GetUtcNow().UtcDateTime;
        survivor.AbsorbDuplicates(duplicates, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<Lead>.Outdated("One of these leads was changed while merging. Reload and merge again.");
        }

        // what hangs off the duplicates now hangs off the survivor (plain rows, not leads: set-based updates are fine)
        await db.Notes.Where(n => duplicateIds.Contains(n.LeadId)).ExecuteUpdateAsync(s => s.SetProperty(n => n.LeadId, survivor.Id), ct);
        await db.Activities.Where(a => duplicateIds.Contains(a.LeadId)).ExecuteUpdateAsync(s => s.SetProperty(a => a.LeadId, survivor.Id), ct);
        await db.Reminders.Where(r => duplicateIds.Contains(r.LeadId)).ExecuteUpdateAsync(s => s.SetProperty(r => r.LeadId, survivor.Id), ct);
        await db.LeadHistory.Where(h => duplicateIds.Contains(h.LeadId) && h.Field != "archived" && h.Field != "mergedIntoId")
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.LeadId, survivor.Id), ct);
        var memberships = await db.MarketingListMembers.Where(m => duplicateIds.Contains(m.LeadId) || m.LeadId == survivor.Id).ToListAsync(ct);
        var survivorLists = memberships.Where(m => m.LeadId == survivor.Id).Select(m => m.ListId).ToHashSet();
        foreach (var listId in memberships.Where(m => m.LeadId != survivor.Id).Select(m => m.ListId).Distinct().Where(id => !survivorLists.Contains(id)))
            db.MarketingListMembers.Add(new MarketingListMember { ListId = listId, LeadId = survivor.Id, AddedAt = now });
        await db.SaveChangesAsync(ct);
        await db.MarketingListMembers.Where(m => duplicateIds.Contains(m.LeadId)).ExecuteDeleteAsync(ct);
        // derived from the rows just moved: the next follow-up is the earliest open reminder or scheduled activity of them all
        await reminders.RefreshFollowUpAsync(survivor.Id, ct);
        await transaction.CommitAsync(ct);
        return Result<Lead>.Ok(survivor);
    }

    private static string Gone(Lead lead) => lead.MergedIntoId is { } into
        ? $"Lead #{lead.Id} was merged into #{into} meanwhile; merge into that lead instead."
        : $"Lead #{lead.Id} is archived; it cannot be merged.";
}
