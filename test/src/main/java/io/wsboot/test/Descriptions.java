package io.wsboot.test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import io.wsboot.Frame;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketOpenEvent;
import io.wsboot.test.WebSocketTestConnection.Binary;
import io.wsboot.test.WebSocketTestConnection.Closed;
import io.wsboot.test.WebSocketTestConnection.Failed;
import io.wsboot.test.WebSocketTestConnection.Text;

/**
 * Short descriptions of what a test received, for the messages of assertion errors.
 */
final class Descriptions {

	private static final int MAX_TEXT = 200;

	private static final int MAX_ITEMS = 20;

	private Descriptions() {
	}

	/**
	 * Describe a duration as {@code 5s} or {@code 250ms}.
	 * @param duration the duration
	 * @return the description
	 */
	static String of(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	/**
	 * Quote a text, shortened when long.
	 * @param text the text
	 * @return the quoted text
	 */
	static String quote(String text) {
		String shown = (text.length() > MAX_TEXT) ? text.substring(0, MAX_TEXT) + "…(" + text.length() + " characters)"
				: text;
		return "\"" + shown + "\"";
	}

	/**
	 * Describe something a connection received.
	 * @param item a queued message, close frame or failure
	 * @return the description
	 */
	static String of(Object item) {
		if (item instanceof Text text) {
			return "text message " + quote(text.text());
		}
		if (item instanceof Binary binary) {
			return "binary message of " + binary.data().length + " bytes";
		}
		if (item instanceof Closed closed) {
			return "close frame " + closed.code() + (closed.reason().isEmpty() ? "" : " " + quote(closed.reason()));
		}
		if (item instanceof Failed failed) {
			return "the end of the connection without a close frame (" + failed.error() + ")";
		}
		return String.valueOf(item);
	}

	/**
	 * Describe several things a connection received.
	 * @param items the items
	 * @return the description
	 */
	static String ofAll(List<?> items) {
		String shown = items.stream().limit(MAX_ITEMS).map(Descriptions::of).collect(Collectors.joining(", ", "[", ""));
		return shown + ((items.size() > MAX_ITEMS) ? ", … " + (items.size() - MAX_ITEMS) + " more]" : "]");
	}

	/**
	 * Describe a WebSocket event.
	 * @param event the event
	 * @return the description
	 */
	static String ofEvent(Object event) {
		if (event instanceof WebSocketOpenEvent open) {
			return "open{fd=" + open.getFd() + ", path=" + open.getRequest().getPath() + "}";
		}
		if (event instanceof WebSocketMessageEvent message) {
			Frame frame = message.getFrame();
			String payload = frame.isText() ? quote(frame.getData()) : frame.getBytes().length + " bytes";
			return "message{fd=" + frame.getFd() + ", " + frame.getOpcode() + " " + payload + "}";
		}
		if (event instanceof WebSocketCloseEvent close) {
			return "close{fd=" + close.getFd() + ", code=" + close.getCode()
					+ (close.getReason().isEmpty() ? "" : ", reason=" + quote(close.getReason())) + ", by "
					+ close.getClosedBy() + "}";
		}
		return String.valueOf(event);
	}

	/**
	 * Describe the last of several WebSocket events.
	 * @param events the events, in order
	 * @return the description
	 */
	static String ofEvents(List<?> events) {
		int skipped = Math.max(0, events.size() - MAX_ITEMS);
		return events.stream()
			.skip(skipped)
			.map(Descriptions::ofEvent)
			.collect(Collectors.joining(", ", (skipped > 0) ? "[… " + skipped + " earlier, " : "[", "]"));
	}

}
