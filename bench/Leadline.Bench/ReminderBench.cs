using System.Diagnostics;
using Leadline.Data;
using Leadline.Reminders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Bench;

internal sealed record ReminderFigures(int Instances, int Due, TimeSpan Elapsed, IReadOnlyList<int> FiredPerInstance, int Notifications, int DistinctReminders, int Sent, string? Failure)
{
    public bool ExactlyOnce => Failure is null && Notifications == Due && DistinctReminders == Due && Sent == Due;
}

/// <summary>
/// Issue 4's reminder target: <c>--reminders N</c> due internal reminders written at once, then
/// <see cref="ReminderDispatcher.RunDueAsync"/> of several dispatchers started together, each in a DI scope of its own
/// (its own DbContext and connection, as two app instances have), timed until all have returned; then the database is
/// checked: one notification per reminder, none twice, every reminder marked sent.
/// </summary>
internal sealed class ReminderBench(BenchDatabase database, int workspaceId, int adminId)
{
    public const double TargetSeconds = 10;

    public async Task<ReminderFigures> RunAsync(int due, int instances, CancellationToken ct)
    {
        await SeedAsync(due, ct);
        var scopes = Enumerable.Range(0, instances).Select(_ => database.App.Services.CreateAsyncScope()).ToList();   // no workspace: the worker's view
        try
        {
            var dispatchers = scopes.Select(s => s.ServiceProvider.GetRequiredService<ReminderDispatcher>()).ToList();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watch = new Stopwatch();
            var runs = dispatchers.Select(d => Task.Run(async () =>
            {
                await start.Task;
                return await d.RunDueAsync(ct);
            }, ct)).ToList();
            watch.Start();
            start.SetResult();
            string? failure = null;
            try
            {
                await Task.WhenAll(runs);
            }
            catch (Exception ex)
            {
                failure = ex.GetType().Name + ": " + ex.Message;
            }
            watch.Stop();
            var fired = runs.Select(r => r.IsCompletedSuccessfully ? r.Result : -1).ToList();

            await using var check = database.Scope(workspaceId);
            var db = check.ServiceProvider.GetRequiredService<LeadlineDb>();
            var notifications = await db.Notifications.CountAsync(n => n.ReminderId != null, ct);
            var distinct = await db.Notifications.Where(n => n.ReminderId != null).Select(n => n.ReminderId).Distinct().CountAsync(ct);
            var sent = await db.Reminders.CountAsync(r => r.Status == ReminderStatus.Sent, ct);
            return new ReminderFigures(instances, due, watch.Elapsed, fired, notifications, distinct, sent, failure);
        }
        finally
        {
            foreach (var scope in scopes)
                await scope.DisposeAsync();
        }
    }

    /// <summary>Due pending reminders on the first leads (a minute to a day overdue); half name the agent, half fall back to the owner or creator.</summary>
    private async Task SeedAsync(int count, CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        if (await db.Reminders.AnyAsync(ct))
            throw new InvalidOperationException("The reminder bench expects a database without reminders.");
        var leads = await db.Leads.OrderBy(l => l.Id).Select(l => l.Id).Take(count).ToListAsync(ct);
        if (leads.Count < count)
            throw new InvalidOperationException($"The reminder bench needs at least {count:N0} leads.");
        var now = DateTime.UtcNow;
        var random = new Random(5);
        foreach (var chunk in leads.Chunk(2000))
        {
            db.Reminders.AddRange(chunk.Select((leadId, i) => new Reminder
            {
                WorkspaceId = workspaceId,
                LeadId = leadId,
                DueAt = now - TimeSpan.FromMinutes(random.Next(1, 24 * 60)),
                Kind = ReminderKind.Internal,
                Message = i % 3 == 0 ? null : "Call back about the proposal",
                NotifyUserId = i % 2 == 0 ? adminId : null,
                Status = ReminderStatus.Pending,
                CreatedById = adminId,
            }));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }
}
