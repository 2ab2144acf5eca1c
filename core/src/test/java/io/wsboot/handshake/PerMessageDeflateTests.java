package io.wsboot.handshake;

import java.util.List;

import io.wsboot.handshake.PerMessageDeflate.Agreement;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link PerMessageDeflate}'s negotiation (RFC 7692 §7).
 */
class PerMessageDeflateTests {

	private final PerMessageDeflate jdkZlib = new PerMessageDeflate(false, 15, false, 1024, false);

	private final PerMessageDeflate jzlib = new PerMessageDeflate(false, 15, false, 1024, true);

	@Test
	void acceptsPlainOffer() {
		assertThat(this.jdkZlib.negotiate(List.of("permessage-deflate")))
			.isEqualTo(new Agreement(false, 15, false, false));
	}

	@Test
	void acceptsEveryValidCombinationOfParameters() {
		String[] parameters = { "server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits=15",
				"client_max_window_bits" };
		for (int mask = 0; mask < 16; mask++) {
			StringBuilder offer = new StringBuilder("permessage-deflate");
			for (int i = 0; i < parameters.length; i++) {
				if ((mask & (1 << i)) != 0) {
					offer.append("; ").append(parameters[i]);
				}
			}
			Agreement agreement = this.jdkZlib.negotiate(List.of(offer.toString()));
			assertThat(agreement).as(offer.toString()).isNotNull();
			assertThat(agreement.serverNoContextTakeover()).isEqualTo((mask & 1) != 0);
			assertThat(agreement.clientMaxWindowBits()).isEqualTo((mask & 8) != 0);
		}
	}

	@Test
	void smallerServerWindowNeedsJzlib() {
		assertThat(this.jdkZlib.negotiate(List.of("permessage-deflate; server_max_window_bits=10"))).isNull();
		assertThat(this.jzlib.negotiate(List.of("permessage-deflate; server_max_window_bits=10")))
			.isEqualTo(new Agreement(false, 10, false, false));
		assertThat(this.jzlib.negotiate(List.of("permessage-deflate; server_max_window_bits=10")).offer())
			.isEqualTo("permessage-deflate; server_max_window_bits=10");
	}

	@Test
	void serverWindowOfEightBitsIsDeclinedAsZlibCompressesWithNine() {
		assertThat(this.jzlib.negotiate(List.of("permessage-deflate; server_max_window_bits=8"))).isNull();
		assertThat(this.jzlib.negotiate(List.of("permessage-deflate; server_max_window_bits=8, permessage-deflate")))
			.isEqualTo(new Agreement(false, 15, false, false));
	}

	@Test
	void picksFirstAcceptableOfferAcrossHeaderLines() {
		assertThat(this.jdkZlib.negotiate(List.of("x-webkit-deflate-frame, permessage-deflate; bad",
				"permessage-deflate; client_no_context_takeover, permessage-deflate; server_no_context_takeover")))
			.isEqualTo(new Agreement(false, 15, false, false));
	}

	@Test
	void serverSettingsApplyToEveryAgreement() {
		PerMessageDeflate settings = new PerMessageDeflate(true, 12, true, 1024, true);
		Agreement agreement = settings.negotiate(List.of("permessage-deflate; server_max_window_bits=14"));
		assertThat(agreement).isEqualTo(new Agreement(true, 12, true, false));
		assertThat(agreement.offer()).isEqualTo(
				"permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12");
	}

	@Test
	void declinesInvalidOffers() {
		for (String offer : List.of("permessage-deflate; server_max_window_bits=7",
				"permessage-deflate; server_max_window_bits=16", "permessage-deflate; server_max_window_bits",
				"permessage-deflate; server_max_window_bits=09", "permessage-deflate; client_max_window_bits=x",
				"permessage-deflate; client_no_context_takeover=true",
				"permessage-deflate; client_max_window_bits; client_max_window_bits", "permessage-deflate; foo",
				"permessage-deflate;", "deflate-frame")) {
			assertThat(this.jzlib.negotiate(List.of(offer))).as(offer).isNull();
		}
		assertThat(this.jzlib.negotiate(null)).isNull();
	}

	@Test
	void smallerConfiguredServerWindowWithoutJzlibFailsAtStartup() {
		assertThatIllegalStateException().isThrownBy(() -> new PerMessageDeflate(false, 12, false, 1024, false))
			.withMessageContaining("JZlib");
	}

}
