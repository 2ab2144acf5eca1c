package io.wsboot.autoconfigure;

import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnsupportedWebSocketServerException}.
 */
class UnsupportedWebSocketServerFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedWebSocketServerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedWebSocketServerException cause) {
		String beans = cause.getServers()
			.entrySet()
			.stream()
			.map((entry) -> "'" + entry.getKey() + "' (" + entry.getValue() + ")")
			.sorted()
			.collect(Collectors.joining(", "));
		String description = "wsboot's WebSocket endpoint, meters and health indicator run on its engine, which it "
				+ "defines as the WebSocketServer bean unless the application defines one. The application defines "
				+ "the WebSocketServer bean " + beans + ", so wsboot's engine was not created and there would be no "
				+ "WebSocket endpoint.";
		String action = "Remove the application's WebSocketServer bean and inject the one wsboot defines. To add "
				+ "behaviour around it, use a class of your own that takes wsboot's WebSocketServer bean and does not "
				+ "implement WebSocketServer. To run a WebSocket server of your own without wsboot's endpoint, set "
				+ "wsboot.enabled=false.";
		return new FailureAnalysis(description, action, cause);
	}

}
