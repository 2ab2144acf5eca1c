package io.wsboot.benchmarks.server;

import io.wsboot.Frame;
import io.wsboot.Opcode;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketServer;

import org.springframework.context.event.EventListener;

/**
 * The wsboot echo: an {@code @EventListener} that pushes each message back to its
 * connection as the same payload type, and broadcasts to every connection when told
 * {@value ServerSupport#BROADCAST}.
 *
 * @since 0.1.0
 */
public class EchoListener {

	private final WebSocketServer server;

	/**
	 * Create the listener.
	 * @param server the server that pushes the echo
	 */
	public EchoListener(WebSocketServer server) {
		this.server = server;
	}

	@EventListener
	void onMessage(WebSocketMessageEvent event) {
		Frame frame = event.getFrame();
		if (frame.isText()) {
			String text = frame.getData();
			if (ServerSupport.BROADCAST.equals(text)) {
				this.server.broadcast(ServerSupport.broadcastPayload());
			}
			else {
				this.server.push(frame.getFd(), text);
			}
		}
		else if (frame.getOpcode() == Opcode.BINARY) {
			this.server.push(frame.getFd(), frame.getBytes());
		}
	}

}
