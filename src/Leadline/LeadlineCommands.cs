using Leadline.Workspaces;

namespace Leadline;

/// <summary>
/// Command-line verbs of the app binary: <c>dotnet run --project src/Leadline -- &lt;verb&gt; [--option value]</c>.
/// They run after migrations, against the configured database, and exit instead of serving.
/// </summary>
internal static class LeadlineCommands
{
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
            return false;
        var options = ParseOptions(args.Skip(1).ToArray());
        await using var scope = app.Services.CreateAsyncScope();
        switch (args[0])
        {
            case "create-workspace":
                var result = await scope.ServiceProvider.GetRequiredService<WorkspaceService>().CreateWithAdminAsync(new NewWorkspaceRequest
                {
                    Name = options.GetValueOrDefault("name"),
                    TimeZone = options.GetValueOrDefault("time-zone", "UTC"),
                    DefaultCountry = options.GetValueOrDefault("country", "US"),
                    AdminName = options.GetValueOrDefault("admin-name", "Administrator"),
                    AdminEmail = options.GetValueOrDefault("admin-email"),
                    AdminPassword = options.GetValueOrDefault("admin-password"),
                }, CancellationToken.None);
                if (result.Succeeded)
                {
                    Console.WriteLine($"Created workspace {result.Value!.Id} \"{result.Value.Name}\" with admin {options["admin-email"]}.");
                }
                else
                {
                    foreach (var error in result.Errors.All)
                        await Console.Error.WriteLineAsync(error);
                    Environment.ExitCode = 2;
                }
                return true;
            case "fake-meta":
                await RunFakeMetaAsync(options);
                return true;
            case "seed-demo":
                if (!int.TryParse(options.GetValueOrDefault("leads", "1000"), out var leads) || leads is < 1 or > 5_000_000)
                {
                    await Console.Error.WriteLineAsync("--leads must be a number between 1 and 5,000,000.");
                    Environment.ExitCode = 2;
                    return true;
                }
                var workspaces = scope.ServiceProvider.GetRequiredService<WorkspaceService>();
                var target = options.TryGetValue("workspace", out var w) && int.TryParse(w, out var wid)
                    ? await workspaces.FindAsync(wid, CancellationToken.None)
                    : (await workspaces.ListAsync(CancellationToken.None)).FirstOrDefault();
                if (target is null)
                {
                    await Console.Error.WriteLineAsync("No such workspace: create one first (first-run setup or create-workspace).");
                    Environment.ExitCode = 2;
                    return true;
                }
                scope.ServiceProvider.GetRequiredService<Data.WorkspaceScope>().Enter(target.Id);
                Console.WriteLine($"Seeding {leads:N0} demo leads into workspace {target.Id} \"{target.Name}\"…");
                await scope.ServiceProvider.GetRequiredService<Leads.DemoSeeder>().SeedAsync(leads, Console.Out, CancellationToken.None);
                return true;
            case "simulate-whatsapp" or "simulate-messenger" or "simulate-instagram":
                var kind = args[0] switch { "simulate-messenger" => Channels.ChannelKind.Messenger, "simulate-instagram" => Channels.ChannelKind.Instagram, _ => Channels.ChannelKind.Whatsapp };
                Environment.ExitCode = await Conversations.Inbound.MetaSimulator.RunAsync(kind, options, Console.Out, CancellationToken.None);
                return true;
            case "simulate-sms":
                Environment.ExitCode = await Conversations.Inbound.SmsSimulator.RunAsync(options, Console.Out, CancellationToken.None);
                return true;
            case "fake-twilio":
                await RunFakeTwilioAsync(options);
                return true;
            case "help":
                Console.WriteLine("""
                    Leadline commands (run after migrations, then exit):
                      create-workspace --name NAME --admin-email EMAIL --admin-password PASSWORD
                                       [--admin-name NAME] [--time-zone Europe/Berlin] [--country DE]
                      seed-demo --leads N [--workspace ID]   realistic demo leads (default: the first workspace)
                      simulate-whatsapp --channel ID --secret APP_SECRET [--url URL] [--from NUMBER] [--name NAME] [--text TEXT]
                                        [--image] [--status read --message-id WAMID]   signed WhatsApp webhooks to a running Leadline
                      simulate-messenger | simulate-instagram --channel ID --secret APP_SECRET [--url URL] [--from PSID] [--text TEXT]
                                        [--image] [--read --message-id MID]   signed Messenger / Instagram webhooks
                      simulate-sms --channel ID --token AUTH_TOKEN [--url URL] [--from +14155550199] [--text TEXT]
                                   [--status delivered --message-id SID]   signed Twilio webhooks to a running Leadline
                      fake-meta [--port 5090] / fake-twilio [--port 5091]   local provider APIs to send to without an account
                    Without a command, Leadline serves the web app.
                    """);
                return true;
            default:
                await Console.Error.WriteLineAsync($"Unknown command '{args[0]}'. Try 'help'.");
                Environment.ExitCode = 2;
                return true;
        }
    }

    /// <summary>
    /// <c>fake-meta [--port 5090]</c>: a local Graph API (messages, media, templates) for trying WhatsApp without a Meta
    /// account; start Leadline with <c>Leadline__Channels__Meta__GraphBaseUrl</c> set to the address it prints. Runs until Ctrl+C.
    /// </summary>
    private static async Task RunFakeMetaAsync(Dictionary<string, string> options)
    {
        var port = int.TryParse(options.GetValueOrDefault("port", "5090"), out var p) ? p : 5090;
        await using var graph = await Channels.FakeGraphApi.StartAsync(port);
        foreach (var (name, body) in new[] { ("hello_world", "Hello World"), ("payment_link", "Hi {{1}}, your payment link: {{2}}"), ("happy_birthday", "Happy birthday, {{1}}!") })
            graph.Templates.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = name, ["language"] = name == "hello_world" ? "en_US" : "en", ["status"] = "APPROVED", ["category"] = "UTILITY",
                ["components"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["type"] = "BODY", ["text"] = body }),
            });
        Console.WriteLine($"A fake Graph API listens at {graph.BaseUrl}: start Leadline with Leadline__Channels__Meta__GraphBaseUrl={graph.BaseUrl}");
        Console.WriteLine("Every message Leadline sends is printed here. Ctrl+C stops it.");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        var shown = 0;
        while (!stop.IsCancellationRequested)
        {
            foreach (var request in graph.Requests.Skip(shown))
            {
                Console.WriteLine($"{request.Method} {request.Path} {request.Body}");
                shown++;
            }
            try { await Task.Delay(500, stop.Token); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>
    /// <c>fake-twilio [--port 5091]</c>: a local Twilio Messages API for trying SMS without an account; start Leadline with
    /// <c>Leadline__Channels__Twilio__BaseUrl</c> set to the address it prints. Runs until Ctrl+C.
    /// </summary>
    private static async Task RunFakeTwilioAsync(Dictionary<string, string> options)
    {
        var port = int.TryParse(options.GetValueOrDefault("port", "5091"), out var p) ? p : 5091;
        await using var twilio = await Channels.FakeTwilioApi.StartAsync(port);
        Console.WriteLine($"A fake Twilio API listens at {twilio.BaseUrl}: start Leadline with Leadline__Channels__Twilio__BaseUrl={twilio.BaseUrl}");
        Console.WriteLine("Every SMS Leadline sends is printed here. Ctrl+C stops it.");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        var shown = 0;
        while (!stop.IsCancellationRequested)
        {
            foreach (var request in twilio.Requests.Skip(shown))
            {
                Console.WriteLine($"{request.Method} {request.Path} {request.Body}");
                shown++;
            }
            try { await Task.Delay(500, stop.Token); }
            catch (OperationCanceledException) { break; }
        }
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                continue;
            var key = args[i][2..];
            options[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
        return options;
    }
}
