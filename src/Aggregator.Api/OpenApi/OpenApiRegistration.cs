namespace Aggregator.Api.OpenApi;
