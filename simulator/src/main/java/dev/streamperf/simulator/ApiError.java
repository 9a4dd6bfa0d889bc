package dev.streamperf.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * An error answered to the client with an OpenAI-style body: {@code {"error": {"message", "type",
 * "param", "code"}}}, the form OpenAI, recent vLLM and llama.cpp share. {@code param} names the
 * offending field, e.g. {@code messages[0].content[1].image_url.url}.
 */
final class ApiError extends RuntimeException {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpResponseStatus status;
  private final String type;
  private final String param;
  private final String metricKind;

  ApiError(HttpResponseStatus status, String type, String param, String message, String kind) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.param = param;
    this.metricKind = kind;
  }

  /** 400: {@code "param: message"} with the field's path as param. */
  static ApiError badRequest(String param, String message) {
    return new ApiError(
        HttpResponseStatus.BAD_REQUEST,
        "invalid_request_error",
        param,
        param == null ? message : param + ": " + message,
        "bad_request");
  }

  /** 400 for a media URL that could not be fetched. */
  static ApiError mediaFetchFailed(String param, String message) {
    return new ApiError(
        HttpResponseStatus.BAD_REQUEST,
        "invalid_request_error",
        param,
        param + ": " + message,
        "media_fetch_failed");
  }

  static ApiError notFound(String message) {
    return new ApiError(
        HttpResponseStatus.NOT_FOUND, "not_found_error", null, message, "not_found");
  }

  static ApiError modelNotFound(String model) {
    return new ApiError(
        HttpResponseStatus.NOT_FOUND,
        "not_found_error",
        "model",
        "The model `" + model + "` does not exist.",
        "model_not_found");
  }

  static ApiError unauthorized() {
    return new ApiError(
        HttpResponseStatus.UNAUTHORIZED,
        "authentication_error",
        null,
        "Invalid or missing API key (expected: Authorization: Bearer KEY)",
        "unauthorized");
  }

  static ApiError methodNotAllowed(String method, String path) {
    return new ApiError(
        HttpResponseStatus.METHOD_NOT_ALLOWED,
        "invalid_request_error",
        null,
        method + " " + path + ": method not allowed",
        "method_not_allowed");
  }

  static ApiError tooLarge(int maxBytes) {
    return new ApiError(
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "invalid_request_error",
        null,
        "request body larger than " + maxBytes + " bytes",
        "too_large");
  }

  static ApiError injected(HttpResponseStatus status) {
    String type =
        status.code() == 429
            ? "rate_limit_error"
            : status.code() == 503 ? "service_unavailable" : "internal_server_error";
    return new ApiError(status, type, null, "Injected fault: " + status.reasonPhrase(), "injected");
  }

  HttpResponseStatus status() {
    return status;
  }

  /** The label of {@code streamperf_simulator_errors_total}. */
  String metricKind() {
    return metricKind;
  }

  byte[] body() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", getMessage());
    error.put("type", type);
    if (param == null) {
      error.putNull("param");
    } else {
      error.put("param", param);
    }
    error.put("code", status.code());
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }
}
