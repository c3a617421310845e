using Leadline.Common.Api;

namespace Leadline.Channels;

internal static class ChannelsApi
{
    public static void MapChannelsApi(this RouteGroupBuilder api)
    {
        var channels = api.MapGroup("/channels").WithTags("Channels");
        channels.MapGet("/", async (ChannelService service, HttpRequest http, CancellationToken ct) =>
        {
            var items = (await service.ListAsync(ct)).Select(c => service.ToResponse(c, http)).ToList();
            return Results.Ok(new Page<ChannelResponse>(items, null, items.Count));
        }).WithName("ListChannels").RequirePermission(Permission.ChannelsManage);
        channels.MapGet("/{id:int}", async (int id, ChannelService service, HttpRequest http, CancellationToken ct) =>
            await service.FindAsync(id, ct) is { } c ? Results.Ok(service.ToResponse(c, http)) : ApiResults.NotFound("No such channel."))
            .WithName("GetChannel").RequirePermission(Permission.ChannelsManage);
        channels.MapPost("/", async (ChannelRequest request, ChannelService service, HttpRequest http, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(request, ct);
            return result.Succeeded ? Results.Created($"/api/v1/channels/{result.Value!.Id}", service.ToResponse(result.Value, http)) : ApiResults.Problem(result);
        }).WithName("CreateChannel").RequirePermission(Permission.ChannelsManage);
        channels.MapPatch("/{id:int}", async (int id, ChannelRequest request, ChannelService service, HttpRequest http, CancellationToken ct) =>
        {
            var result = await service.UpdateAsync(id, request, ct);
            return result.Succeeded ? Results.Ok(service.ToResponse(result.Value!, http)) : ApiResults.Problem(result);
        }).WithName("UpdateChannel").RequirePermission(Permission.ChannelsManage);
        channels.MapDelete("/{id:int}", async (int id, ChannelService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? Results.NoContent() : ApiResults.NotFound("No such channel."))
            .WithName("DeleteChannel").RequirePermission(Permission.ChannelsManage);
    }
}
